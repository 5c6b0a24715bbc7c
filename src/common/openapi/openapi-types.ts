import type { OpenAPIObject } from '@nestjs/swagger';

// @nestjs/swagger does not export its OpenAPI interfaces by name; derived here from the document type.
export type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
export type ResponseObject = Exclude<OperationObject['responses'][string], { $ref: string } | undefined>;
export type HeaderObject = Exclude<NonNullable<ResponseObject['headers']>[string], { $ref: string }>;
export type SchemaObject = Exclude<NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string], { $ref: string }>;
export type SecuritySchemeObject = Exclude<NonNullable<NonNullable<OpenAPIObject['components']>['securitySchemes']>[string], { $ref: string }>;
