import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AppError, ErrorDetail } from '../common/errors/app-error';

const WHOLE_LIST = 'llmhub:whole-list';

/** A list answered whole (`next_cursor` always null): `limit` and `cursor` on it are refused saying so. */
export const WholeList = (what: string) => SetMetadata(WHOLE_LIST, what);

/**
 * The query parameters a route reads: undefined when it reads the whole query (a DTO, which
 * the validation pipe checks field by field), else the names of its `@Query('name')` parameters.
 */
function queryParamsRead(controller: Type, handler: string): Set<string> | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, { data?: unknown }>;
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (key.split(':')[0] !== String(RouteParamtypes.QUERY)) continue;
    if (typeof arg.data !== 'string') return undefined;
    names.add(arg.data);
  }
  return names;
}

/**
 * A query parameter an admin route does not read is a 422 naming it, as an unknown field of a
 * query DTO is. Without this, `?limit=5` on a list answered whole was silently ignored, and a
 * misspelt filter (`?clientid=`) answered everything as if no filter had been asked for.
 */
@Injectable()
export class UnreadQueryInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly controllers: ReadonlySet<Type>,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const controller = context.getClass<Type>();
    if (context.getType() !== 'http' || !this.controllers.has(controller)) return next.handle();
    const read = queryParamsRead(controller, context.getHandler().name);
    if (read === undefined) return next.handle();
    const sent = Object.keys(context.switchToHttp().getRequest<Request>().query ?? {});
    const unread = sent.filter((name) => !read.has(name));
    if (unread.length === 0) return next.handle();
    const wholeList = this.reflector.get<string | undefined>(WHOLE_LIST, context.getHandler());
    const details: ErrorDetail[] = unread.map((name) => ({
      field: name,
      message:
        wholeList && (name === 'limit' || name === 'cursor')
          ? `${name}: this list is not paged; it answers ${wholeList} at once (next_cursor is always null)`
          : read.size === 0
            ? `unknown query parameter "${name}": this route takes none`
            : `unknown query parameter "${name}": this route takes ${[...read].join(', ')}`,
    }));
    throw new AppError('validation_error', `Invalid request: ${unread.join(', ')}`, details);
  }
}
