import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { AppError } from '@src/common/errors/app-error';
import { ErrorResponder, HttpExceptionFilter } from '@src/common/errors/http-exception.filter';

interface Captured {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

function hostFor(path: string): { host: ArgumentsHost; captured: Captured } {
  const captured: Captured = { headers: {} };
  const res = {
    headersSent: false,
    setHeader: (k: string, v: string) => (captured.headers[k] = v),
    set statusCode(code: number) {
      captured.status = code;
    },
    end(body?: string) {
      if (body !== undefined) captured.body = JSON.parse(body);
    },
  };
  const req = { path, url: path, id: 'req-1' };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { host, captured };
}

describe(HttpExceptionFilter.name, () => {
  const responder = new ErrorResponder();
  const sut = new HttpExceptionFilter(responder);
  beforeAll(() => jest.spyOn((responder as unknown as { logger: { error: () => void } }).logger, 'error').mockImplementation(() => undefined));

  it('answers /api errors in the LLMHub envelope with 422 for validation', async () => {
    const { host, captured } = hostFor('/api/v1/llm/generate');
    await sut.catch(new AppError('validation_error', 'Invalid request: model', [{ field: 'model', message: 'model must be a string' }]), host);
    expect(captured.status).toBe(422);
    expect(captured.body).toEqual({
      error: { code: 'validation_error', message: 'Invalid request: model', details: [{ field: 'model', message: 'model must be a string' }] },
      request_id: 'req-1',
    });
  });

  it('answers /v1 validation errors as OpenAI 400 invalid_request_error naming the param', async () => {
    const { host, captured } = hostFor('/v1/chat/completions');
    await sut.catch(new AppError('validation_error', 'bad', [{ field: 'messages', message: 'required' }]), host);
    expect(captured.status).toBe(400);
    expect(captured.body).toMatchObject({ error: { type: 'invalid_request_error', code: 'validation_error', param: 'messages', message: 'bad' } });
  });

  it('answers /v1/messages in the Anthropic shape', async () => {
    const { host, captured } = hostFor('/v1/messages');
    await sut.catch(new AppError('invalid_api_key', 'Unknown API key'), host);
    expect(captured.status).toBe(401);
    expect(captured.body).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'Unknown API key' } });
  });

  it('sets Retry-After on rate limiting', async () => {
    const { host, captured } = hostFor('/v1/chat/completions');
    await sut.catch(new AppError('rate_limited', 'slow down', [], 2.2), host);
    expect(captured.status).toBe(429);
    expect(captured.headers['Retry-After']).toBe('3');
  });

  it('maps Nest HTTP exceptions to codes (404 not_found)', async () => {
    const { host, captured } = hostFor('/api/admin/nothing');
    await sut.catch(new NotFoundException(), host);
    expect(captured.status).toBe(404);
    expect(captured.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('turns malformed JSON from the body parser into a validation error, not a 500', async () => {
    const { host, captured } = hostFor('/api/v1/llm/generate');
    await sut.catch(Object.assign(new SyntaxError('Unexpected end'), { type: 'entity.parse.failed', status: 400 }), host);
    expect(captured.status).toBe(422);
    expect(captured.body).toMatchObject({ error: { code: 'validation_error', message: 'Request body is not valid JSON' } });
  });

  it('answers input PostgreSQL refused (a NUL character) as 422, not 500', async () => {
    const { host, captured } = hostFor('/api/v1/prompts');
    await sut.catch(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { driverError: { code: '22021' } }), host);
    expect(captured.status).toBe(422);
    expect(captured.body).toMatchObject({ error: { code: 'validation_error' } });
  });

  it('never puts a stack trace or the internal message of an unexpected error in the body', async () => {
    const { host, captured } = hostFor('/api/v1/llm/generate');
    await sut.catch(new Error('password=hunter2 at Object.<anonymous> (/app/x.js:1:1)'), host);
    expect(captured.status).toBe(500);
    expect(JSON.stringify(captured.body)).not.toMatch(/hunter2|x\.js/);
    expect(captured.body).toMatchObject({ error: { code: 'internal_error' } });
  });
});
