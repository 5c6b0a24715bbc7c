import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamStart } from '@src/llm/generation/generation.types';
import { AnthropicStreamSink, OpenAiStreamSink } from '@src/llm/generation/sse-sinks';
import type { ModelTarget } from '@src/llm/routing/model-resolver.service';
import { AppError } from '@src/common/errors/app-error';

const start: StreamStart = {
  requestId: 'req-1',
  target: { providerId: 'openai', model: 'gpt-4o-mini', id: 'openai/gpt-4o-mini' } as ModelTarget,
  requestedModel: 'openai/gpt-4o-mini',
  attempts: 1,
  estimatedInputTokens: 3,
  createdAt: new Date('2026-12-01T00:00:00Z'),
  headers: {},
};

interface Observed {
  afterOpen: { corked: number };
  afterFirstEvent: { corked: number; socketCorked: number; socketPending: number };
}

/** The whole body a one-off server sends when it answers with `handle`. */
async function bodyServedBy(handle: (res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * Serves one stream with `sink`: open, the first event, then the rest of the
 * answer in the same tick (as when the provider's whole answer came in one
 * read), and records what the response still held back after each step.
 */
async function serveOne(makeSink: (res: ServerResponse) => OpenAiStreamSink | AnthropicStreamSink): Promise<{ observed: Observed; body: string }> {
  let observed: Observed | undefined;
  const body = await bodyServedBy((res) => {
    const sink = makeSink(res);
    sink.open(start);
    const afterOpen = { corked: res.writableCorked };
    sink.event({ type: 'text', text: 'Hel' });
    observed = {
      afterOpen,
      afterFirstEvent: { corked: res.writableCorked, socketCorked: res.socket!.writableCorked, socketPending: res.socket!.writableLength },
    };
    sink.event({ type: 'text', text: 'lo' });
    sink.close({ usage: { inputTokens: 3, outputTokens: 2 }, costUsd: '0.000001', priceUnknown: false, finishReason: 'stop', latencyMs: 1, attempts: 1 });
  });
  return { observed: observed!, body };
}

describe('stream sinks: the first event is not held back', () => {
  it.each([
    ['OpenAI', (res: ServerResponse) => new OpenAiStreamSink(res, false)],
    ['Anthropic', (res: ServerResponse) => new AnthropicStreamSink(res)],
  ])('%s: headers and opening events wait for the first event, which then leaves before the rest of the tick is processed', async (_name, makeSink) => {
    const { observed, body } = await serveOne(makeSink);
    // corked after open: the headers and opening events go out with the first event
    expect(observed.afterOpen.corked).toBe(1);
    // after the first event nothing is held: the bytes were handed to the kernel, not left for the end of the tick
    expect(observed.afterFirstEvent).toEqual({ corked: 0, socketCorked: 0, socketPending: 0 });
    // and the stream is whole and in order
    expect(body.indexOf('Hel')).toBeGreaterThan(0);
    expect(body.indexOf('lo', body.indexOf('Hel') + 3)).toBeGreaterThan(body.indexOf('Hel'));
  });
});

describe('stream sinks: an error after the stream opened', () => {
  const failedStream = (makeSink: (res: ServerResponse) => OpenAiStreamSink | AnthropicStreamSink): Promise<string> =>
    bodyServedBy((res) => {
      const sink = makeSink(res);
      sink.open(start);
      sink.event({ type: 'text', text: 'Hel' });
      const error = new AppError('upstream_error', 'openai/gpt-4o-mini stream failed: connection reset');
      sink.fail(error, { usage: { inputTokens: 3, outputTokens: 1 }, costUsd: '0', priceUnknown: false, finishReason: 'error', latencyMs: 1, attempts: 1 });
    });

  it.each([
    ['OpenAI', (res: ServerResponse) => new OpenAiStreamSink(res, false)],
    ['Anthropic', (res: ServerResponse) => new AnthropicStreamSink(res)],
  ])('%s: the error event names the error and quotes the call request id', async (_name, makeSink) => {
    const body = await failedStream(makeSink);
    const last = body.trim().split('\n\n').pop()!;
    const data = JSON.parse(last.slice(last.indexOf('data: ') + 6)) as { error: { code: string; message: string }; request_id: string };
    expect(data.error.code).toBe('upstream_error');
    expect(data.error.message).toContain('connection reset');
    expect(data.request_id).toBe('req-1');
  });
});
