import { CallHandler, Controller, Get, Query } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { IsOptional, IsString } from 'class-validator';
import { of } from 'rxjs';
import { AppError } from '@src/common/errors/app-error';
import { UnreadQueryInterceptor } from '@src/common/validation/unread-query.interceptor';

class SearchQueryDto {
  @IsOptional() @IsString() q?: string;
  @IsOptional() @IsString() sort?: string;
}

@Controller('api/v1/things')
class NativeController {
  @Get()
  listThings(@Query() query: SearchQueryDto, @Query('page') page?: string): unknown {
    return { query, page };
  }

  @Get('raw')
  rawThings(@Query() query: Record<string, string>): unknown {
    return query;
  }
}

@Controller('v1')
class CompatController {
  @Get('models')
  listModels(): unknown {
    return [];
  }
}

describe(UnreadQueryInterceptor.name, () => {
  const next: CallHandler = { handle: () => of('answered') };

  function contextFor(controller: object & { prototype: object }, handler: string, url: string): ExecutionContextHost {
    const path = url.split('?')[0];
    const query = Object.fromEntries(new URLSearchParams(url.slice(path.length + 1)));
    const context = new ExecutionContextHost([{ url, query }, {}], controller as never, (controller.prototype as Record<string, () => unknown>)[handler]);
    context.setType('http');
    return context;
  }

  function refusalOf(sut: UnreadQueryInterceptor, context: ExecutionContextHost): AppError {
    try {
      sut.intercept(context, next);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    }
    throw new Error('expected a refusal');
  }

  it('refuses a parameter a native route does not read, naming its DTO fields and named parameters', () => {
    const sut = new UnreadQueryInterceptor(new Reflector());
    const error = refusalOf(sut, contextFor(NativeController, 'listThings', '/api/v1/things?q=a&srot=name'));
    expect(error.code).toBe('validation_error');
    expect(error.message).toBe('Invalid request: srot');
    expect(error.details).toEqual([{ field: 'srot', message: 'unknown query parameter "srot": this route takes page, q, sort' }]);
  });

  it('lets through what the route reads, a route that reads the query as a plain object, and the provider-compatible routes', () => {
    const sut = new UnreadQueryInterceptor(new Reflector());
    expect(sut.intercept(contextFor(NativeController, 'listThings', '/api/v1/things?q=a&sort=name&page=2'), next)).toBeDefined();
    expect(sut.intercept(contextFor(NativeController, 'rawThings', '/api/v1/things/raw?anything=1'), next)).toBeDefined();
    expect(sut.intercept(contextFor(CompatController, 'listModels', '/v1/models?api-version=2024-10-21'), next)).toBeDefined();
  });

  it('reads a route’s metadata on its first request only', () => {
    const sut = new UnreadQueryInterceptor(new Reflector());
    const reads = jest.spyOn(Reflect, 'getMetadata');
    try {
      sut.intercept(contextFor(NativeController, 'listThings', '/api/v1/things?q=a'), next);
      const first = reads.mock.calls.length;
      expect(first).toBeGreaterThan(0);
      sut.intercept(contextFor(NativeController, 'listThings', '/api/v1/things?sort=b'), next);
      refusalOf(sut, contextFor(NativeController, 'listThings', '/api/v1/things?x=1'));
      expect(reads.mock.calls.length).toBe(first);
    } finally {
      reads.mockRestore();
    }
  });
});
