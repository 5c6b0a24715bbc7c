import { NestFactory } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../../app.module';
import { createOpenApiDocument } from './openapi.setup';

/**
 * The OpenAPI document as the running app serves it, built without a database,
 * Redis or provider keys: Nest's preview mode resolves the module graph (every
 * controller and its decorators) without instantiating a single provider.
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** The committed form: sorted keys, two-space indent, trailing newline. */
export function serializeOpenApiDocument(doc: OpenAPIObject): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
