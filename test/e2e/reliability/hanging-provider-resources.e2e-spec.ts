/**
 * A provider that never answers, against the built server: thousands of calls
 * at a concurrency of 50, each bounded by the provider timeout and answered
 * 504 upstream_timeout with one record, and the server's active handles and
 * heap (after a forced full GC) flat from one batch to the next. A resource
 * assertion, not a timing one: a leak of one handle or one small object per
 * call would exceed the tolerances.
 */
import { join } from 'node:path';
import { Client } from 'pg';
import { Agent, request } from 'undici';
import type { TestDatabase } from '@test/support/db';
import { simulatedProviders } from '@test/support/gateway';
import { pollUntil, waitUntil } from '@test/support/poll';
import type { ProviderSimulator } from '@test/support/provider-simulator/server';
import { createClientKey, ServerProcess } from '@test/support/server-process';
import { SimulatedServer, startSimulatedServer } from '@test/support/simulated-server';

jest.setTimeout(240_000);

const CONCURRENCY = 50;
const WARM_UP_CALLS = 300;
const BATCH_CALLS = 1_500;
const GC_PRELOAD = join(__dirname, '..', '..', 'support', 'gc-on-signal.cjs');
/** Handles: every client socket is reused (one agent, 50 connections), so a per-call leak shows as hundreds. */
const HANDLE_TOLERANCE = 60;
/**
 * Heap after a full GC: 1,500 calls leaking 700 bytes each (less than one request's
 * AbortController, listener and closure) would add over 1 MB; quiet runs grow about 0.4 MB.
 */
const HEAP_TOLERANCE_BYTES = 1_000_000;

const HANG = 'Hello there [[sim:fault=hang]]';

/** The calls, in turn: each provider SDK, each dialect, with and without streaming. */
const CALLS: { path: string; body: Record<string, unknown> }[] = [
  { path: '/v1/chat/completions', body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: HANG }] } },
  { path: '/v1/chat/completions', body: { model: 'groq/llama-3.3-70b-versatile', stream: true, messages: [{ role: 'user', content: HANG }] } },
  { path: '/v1/messages', body: { model: 'anthropic/claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: HANG }] } },
  { path: '/v1/messages', body: { model: 'anthropic/claude-haiku-4-5', max_tokens: 8, stream: true, messages: [{ role: 'user', content: HANG }] } },
  { path: '/api/v1/llm/generate', body: { model: 'openai/gpt-4o-mini', prompt: HANG } },
  { path: '/v1/embeddings', body: { model: 'openai/text-embedding-3-small', input: [HANG] } },
];

interface Resources {
  handles: number;
  heapUsed: number;
}

describe('a hanging provider: every call bounded by the timeout, handles and heap flat', () => {
  let running: SimulatedServer | undefined;
  let sim: ProviderSimulator;
  let db: TestDatabase;
  let server: ServerProcess;
  let key: string;
  let agent: Agent;
  let gcRuns = 0;

  beforeAll(async () => {
    running = await startSimulatedServer('e2e-hang', (simUrl) => ({
      ...simulatedProviders(simUrl),
      MOCK_PROVIDER: 'off',
      PROVIDER_TIMEOUT_MS: '200',
      PROVIDER_MAX_RETRIES: '0',
      // every call must reach the hanging provider: an open circuit would answer 503 at once
      PROVIDER_CIRCUIT_FAILURES: '1000000',
      NODE_OPTIONS: `--expose-gc --require ${GC_PRELOAD}`,
    }));
    ({ sim, db, server } = running);
    key = (await createClientKey(server.url)).key;
    agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await agent?.close();
    await running?.close('stop');
  });

  /** `n` calls, `CONCURRENCY` at a time; answers counted by status and error code. */
  async function batch(n: number): Promise<Map<string, number>> {
    const answers = new Map<string, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < n) {
        const call = CALLS[next++ % CALLS.length];
        const res = await request(`${server.url}${call.path}`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: JSON.stringify(call.body),
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        const body = (await res.body.json()) as { error?: { code?: string } };
        const answer = `${res.statusCode} ${body.error?.code ?? '-'}`;
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return answers;
  }

  /** Active handles and used heap from /metrics, after a full GC in the server. */
  async function resources(): Promise<Resources> {
    gcRuns += 1;
    server.child.kill('SIGWINCH');
    await waitUntil(() => server.output().includes(`llmhub-test-gc ${gcRuns}\n`), 'the server ran a full GC', { timeoutMs: 10_000 });
    const text = await (await request(`${server.url}/metrics`, { dispatcher: agent })).body.text();
    const gauge = (name: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      if (!line) throw new Error(`/metrics has no ${name}`);
      return Number(line.slice(name.length + 1));
    };
    return { handles: gauge('llmhub_nodejs_active_handles_total'), heapUsed: gauge('llmhub_nodejs_heap_size_used_bytes') };
  }

  it('answers every call 504 upstream_timeout with one record, and leaks no handle and no heap', async () => {
    const warmUp = await batch(WARM_UP_CALLS);
    const baseline = await resources();
    const first = await batch(BATCH_CALLS);
    const afterFirst = await resources();
    const second = await batch(BATCH_CALLS);
    const afterSecond = await resources();
    process.stdout.write(`[hanging provider] ${JSON.stringify({ baseline, afterFirst, afterSecond })}\n`);

    for (const [answers, n] of [
      [warmUp, WARM_UP_CALLS],
      [first, BATCH_CALLS],
      [second, BATCH_CALLS],
    ] as const) {
      expect(Object.fromEntries(answers)).toEqual({ '504 upstream_timeout': n });
    }
    const total = WARM_UP_CALLS + 2 * BATCH_CALLS;

    // each upstream request was given up on and its connection closed (under load a few calls
    // time out while still queued for a connection, before the simulator sees them)
    expect(sim.requests.length).toBeLessThanOrEqual(total);
    expect(sim.requests.length).toBeGreaterThan(total * 0.9);
    const open = await pollUntil(
      () => sim.requests.filter((r) => !r.aborted).length,
      (n) => n === 0,
      { timeoutMs: 5_000 },
    );
    expect(open).toBe(0);

    // one record per call, each the timeout
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(`SELECT status, error_code, attempts, count(*)::int AS n FROM llm_generation_log GROUP BY 1, 2, 3`);
      expect(rows).toEqual([{ status: 'error', error_code: 'upstream_timeout', attempts: 1, n: total }]);
    } finally {
      await pg.end();
    }

    // flat: the second batch left no more behind than the first
    expect(afterSecond.handles - afterFirst.handles).toBeLessThan(HANDLE_TOLERANCE);
    expect(afterSecond.heapUsed - afterFirst.heapUsed).toBeLessThan(HEAP_TOLERANCE_BYTES);
  });
});
