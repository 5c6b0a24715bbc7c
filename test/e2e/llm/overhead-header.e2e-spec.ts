import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/**
 * x-llmhub-overhead-ms: LLMHub's own time on a request, upstream time taken
 * out, on every response (streams included: there it covers the time before
 * the first byte), and the same figures as a histogram in /metrics.
 */
describe('x-llmhub-overhead-ms (e2e, real SDK paths against the simulator)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let apiKey: string;
  /** the simulator holds every answer this long before its headers: upstream time */
  const UPSTREAM_MS = 300;
  const slow = ` [[sim:latency_ms=${UPSTREAM_MS}]]`;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'overhead-e2e' });
    ({ app: t, apiKey } = gateway);
  }, 60_000);

  afterAll(() => gateway?.close());

  /** POSTs and returns the header, the status and the client-side wall time of the whole exchange. */
  async function timed(path: string, body: unknown): Promise<{ status: number; overhead: string | null; wallMs: number; text: string }> {
    const started = performance.now();
    const res = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, overhead: res.headers.get('x-llmhub-overhead-ms'), wallMs: performance.now() - started, text };
  }

  function expectSane(overhead: string | null, wallMs: number, upstreamMs: number): number {
    expect(overhead).toMatch(/^\d+(\.\d+)?$/);
    const ms = Number(overhead);
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(0);
    // the provider's time is not LLMHub's: the figure leaves it out
    expect(ms).toBeLessThanOrEqual(wallMs - upstreamMs);
    return ms;
  }

  it.each([
    ['/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `hello${slow}` }], max_tokens: 4 }],
    ['/v1/messages', { model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: `hello${slow}` }], max_tokens: 4 }],
    ['/api/v1/llm/generate', { prompt: `hello${slow}`, model: 'openai/gpt-4o-mini', max_tokens: 4 }],
  ])('%s: present, and leaves out the upstream time', async (path, body) => {
    const res = await timed(path, body);
    expect(res.status).toBe(200);
    expectSane(res.overhead, res.wallMs, UPSTREAM_MS);
  });

  it.each([
    ['/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `hello${slow}` }], max_tokens: 4, stream: true }],
    ['/v1/messages', { model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: `hello${slow}` }], max_tokens: 4, stream: true }],
  ])('%s streaming: the header covers the time before the first byte, upstream wait left out', async (path, body) => {
    const res = await timed(path, body);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data:');
    expectSane(res.overhead, res.wallMs, UPSTREAM_MS);
  });

  it('is on refusals too (no key: nothing upstream)', async () => {
    const started = performance.now();
    const res = await fetch(`${t.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.text();
    expect(res.status).toBe(401);
    expectSane(res.headers.get('x-llmhub-overhead-ms'), performance.now() - started, 0);
  });

  it('is a histogram in /metrics, counting every response', async () => {
    const count = async (): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      expect(text).toContain('# TYPE llmhub_gateway_overhead_seconds histogram');
      const m = /^llmhub_gateway_overhead_seconds_count (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await count();
    const res = await timed('/v1/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    // the chat call and the first scrape itself were both measured
    expect(await count()).toBe(before + 2);
  });

  it('counts responses by route pattern in llmhub_http_requests_total', async () => {
    const res = await timed('/v1/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/^llmhub_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^llmhub_http_request_duration_seconds_count\{method="POST",route="\/v1\/chat\/completions"\} [1-9]\d*$/m);
  });

  it('counts a client that left before any answer as 499, not as the 200 nobody received', async () => {
    const count = async (status: number): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const line = new RegExp(`^llmhub_http_requests_total\\{method="POST",route="/v1/chat/completions",status="${status}"\\} (\\d+)$`, 'm').exec(text);
      return line ? Number(line[1]) : 0;
    };
    const [ok, left] = [await count(200), await count(499)];
    const controller = new AbortController();
    const call = fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi [[sim:latency_ms=5000]]' }] }),
      signal: controller.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await call;
    const deadline = Date.now() + 10_000;
    while ((await count(499)) === left && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await count(499)).toBe(left + 1);
    expect(await count(200)).toBe(ok);
  });
});
