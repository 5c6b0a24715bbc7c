import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, Type } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AppError, ErrorDetail } from '../errors/app-error';

const WHOLE_LIST = 'llmhub:whole-list';

/** A list answered whole (`next_cursor` always null): `limit` and `cursor` on it are refused saying so. */
export const WholeList = (what: string) => SetMetadata(WHOLE_LIST, what);

/** What one route takes in its query string, worked out once per handler. */
interface QueryContract {
  read: ReadonlySet<string>;
  /** the end of each refusal's message: "none", or the names the route takes */
  takes: string;
  /** set on a list answered whole (see WholeList) */
  wholeList: string | undefined;
}

type Handler = (...args: unknown[]) => unknown;

const NOT_A_DTO: ReadonlySet<unknown> = new Set([Object, String, Number, Boolean, Array]);

/**
 * LLMHub's own API (/api/admin/*, /api/v1/*). The provider-compatible routes (/v1/*,
 * /openai/v1/*) are left alone: SDKs add query parameters of their own there (Azure's
 * `api-version`, the Anthropic SDK's `beta=true`).
 */
function servesNativeApi(controller: Type): boolean {
  const paths = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
  return paths.every((path) => /^\/?api\//.test(path));
}

/** The fields of a query DTO, as the validation pipe's whitelist allows them; undefined when the parameter is no DTO (a plain object takes anything). */
function dtoFields(metatype: unknown): string[] | undefined {
  if (typeof metatype !== 'function' || NOT_A_DTO.has(metatype)) return undefined;
  const storage = getMetadataStorage();
  return Object.keys(storage.groupByPropertyName(storage.getTargetValidationMetadatas(metatype, '', false, false)));
}

/**
 * The query parameters a route reads: its `@Query('name')` parameters and the fields of its
 * `@Query()` DTO. Null when the route is not refused anything: outside the native API, or a
 * `@Query()` read as a plain object.
 */
function queryContract(controller: Type, handler: Handler, reflector: Reflector): QueryContract | null {
  if (!servesNativeApi(controller)) return null;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, handler.name) ?? []) as unknown[];
  const read = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (key.split(':')[0] !== String(RouteParamtypes.QUERY)) continue;
    const names = typeof arg.data === 'string' ? [arg.data] : dtoFields(types[arg.index]);
    if (names === undefined) return null;
    for (const name of names) read.add(name);
  }
  return {
    read,
    takes: read.size === 0 ? 'none' : [...read].join(', '),
    wholeList: reflector.get<string | undefined>(WHOLE_LIST, handler),
  };
}

/**
 * A query parameter a route of the native API does not read is a 422 naming it and what the
 * route takes. Without this, `?limit=5` on a list answered whole was silently ignored, and a
 * misspelt parameter (`?clientid=`) answered as if it had not been sent. Each route's
 * parameters are worked out on its first request, so a request costs a Map lookup.
 */
@Injectable()
export class UnreadQueryInterceptor implements NestInterceptor {
  // keyed by handler: a handler function belongs to one controller
  private readonly contracts = new Map<Handler, QueryContract | null>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const handler = context.getHandler() as Handler;
    let contract = this.contracts.get(handler);
    if (contract === undefined) {
      contract = queryContract(context.getClass<Type>(), handler, this.reflector);
      this.contracts.set(handler, contract);
    }
    if (contract === null) return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    // Express parses req.query anew on every read: a URL without a query string skips it
    if (!req.url.includes('?')) return next.handle();
    const unread = Object.keys(req.query ?? {}).filter((name) => !contract.read.has(name));
    if (unread.length === 0) return next.handle();
    throw refusal(unread, contract);
  }
}

function refusal(unread: string[], { takes, wholeList }: QueryContract): AppError {
  const details: ErrorDetail[] = unread.map((name) => ({
    field: name,
    message:
      wholeList && (name === 'limit' || name === 'cursor')
        ? `${name}: this list is not paged; it answers ${wholeList} at once (next_cursor is always null)`
        : `unknown query parameter "${name}": this route takes ${takes}`,
  }));
  return new AppError('validation_error', `Invalid request: ${unread.join(', ')}`, details);
}
