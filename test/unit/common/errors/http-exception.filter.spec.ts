import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { AppError } from '@src/common/errors/app-error';
import { ErrorResponder, HttpExceptionFilter } from '@src/common/errors/http-exception.filter';

interface Captured {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

function hostFor(path: string, extra: { method?: string; headers?: Record<string, string> } = {}): { host: ArgumentsHost; captured: Captured } {
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
  const req = { path, url: path, id: 'req-1', ...extra };
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

  it('answers an OpenAI SDK path without /v1 with 404 not_found naming the base URL it takes', async () => {
    const { host, captured } = hostFor('/chat/completions', { method: 'POST', headers: { host: 'gateway.example:3000' } });
    await sut.catch(new NotFoundException(), host);
    expect(captured.status).toBe(404);
    expect(captured.body).toEqual({
      error: {
        code: 'not_found',
        message: 'No such route: POST /chat/completions. OpenAI SDKs take the base URL http://gateway.example:3000/v1; they add /chat/completions themselves.',
        details: [],
      },
      request_id: 'req-1',
    });
  });

  it.each(['/embeddings', '/models', '/v1/v1/chat/completions', '/api/v1/chat/completions', '/api/v1/v1/embeddings'])(
    'names the OpenAI base URL for %s',
    async (path) => {
      const { host, captured } = hostFor(path, { method: 'POST', headers: { host: '127.0.0.1:3000' } });
      await sut.catch(new NotFoundException(), host);
      expect(captured.body).toMatchObject({
        error: { code: 'not_found', message: expect.stringContaining('OpenAI SDKs take the base URL http://127.0.0.1:3000/v1;') },
      });
    },
  );

  it.each(['/v1/v1/messages', '/api/v1/v1/messages', '/messages'])('names the Anthropic base URL (the root) for %s', async (path) => {
    const { host, captured } = hostFor(path, { method: 'POST', headers: { host: 'localhost:3000', 'anthropic-version': '2023-06-01' } });
    await sut.catch(new NotFoundException(), host);
    expect(captured.status).toBe(404);
    expect(captured.body).toMatchObject({
      error: {
        message: `No such route: POST ${path}. Anthropic SDKs take the base URL http://localhost:3000 (without /v1); they add /v1/messages themselves.`,
      },
    });
  });

  it('names the Anthropic base URL for /v1/v1/models when the Anthropic SDK calls it', async () => {
    const { host, captured } = hostFor('/v1/v1/models', { method: 'GET', headers: { host: 'localhost', 'anthropic-version': '2023-06-01' } });
    await sut.catch(new NotFoundException(), host);
    expect(captured.body).toMatchObject({ error: { message: expect.stringContaining('Anthropic SDKs take the base URL http://localhost (without /v1)') } });
  });

  it('does not echo a Host header that is not a plain host name', async () => {
    const { host, captured } = hostFor('/chat/completions', { method: 'POST', headers: { host: 'evil.example/<script>' } });
    await sut.catch(new NotFoundException(), host);
    const message = (captured.body as { error: { message: string } }).error.message;
    expect(message).toBe('No such route: POST /chat/completions. OpenAI SDKs take a base URL ending in /v1; they add /chat/completions themselves.');
  });

  it('says at the root, asked by something other than a browser, that the console is there for browsers and where the API is described', async () => {
    const { host, captured } = hostFor('/', { method: 'GET', headers: { host: 'localhost:4000' } });
    await sut.catch(new NotFoundException(), host);
    expect(captured.status).toBe(404);
    expect(captured.body).toMatchObject({
      error: {
        code: 'not_found',
        message:
          'No such route: GET /. The console is served here to a browser (built by npm run build); ' +
          'the API is described at /docs, and /health answers whether the server is up.',
      },
    });
  });

  it('keeps the plain 404 message for other unknown routes and for served prefixes', async () => {
    for (const path of ['/api/admin/nothing', '/v1/chat/completions', '/v2/chat/completions']) {
      const { host, captured } = hostFor(path, { method: 'POST', headers: { host: 'localhost' } });
      await sut.catch(new NotFoundException(), host);
      expect(captured.body).toMatchObject({ error: { code: 'not_found', message: 'No such route. See /docs for the API.' } });
    }
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
