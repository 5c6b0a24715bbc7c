/**
 * Per-request CPU breakdown of a .cpuprofile: every sample is charged to the
 * first frame, from the leaf up, that belongs to a known part of the request
 * path (frames without a script, such as builtins, defer to their callers).
 * Divided by the requests served while profiling, this gives microseconds per
 * request for each part. Usable on its own:
 *   node dist/bench/profile-breakdown.js <file.cpuprofile> <requests>
 */
import { readFileSync } from 'node:fs';
import { round } from './stats';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface BreakdownRow {
  part: string;
  usPerRequest: number;
  percent: number;
}

/**
 * Order matters: the first rule a frame matches names its part. Middleware
 * that calls next() synchronously sits under everything after it on the stack,
 * so its own file only counts when it is the innermost script frame (OWN_ONLY).
 */
const OWN_ONLY = /common\/logging\/|common\/overhead\//;
const RULES: [part: string, test: (fn: string, url: string) => boolean][] = [
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['idle', (fn) => fn === '(idle)'],
  ['logging (pino, request lines)', (_fn, url) => /node_modules\/(pino|pino-http|sonic-boom|nestjs-pino|thread-stream|@pinojs)\/|common\/logging\//.test(url)],
  ['serialization (JSON out)', (fn, url) => fn === 'stringify' && url === ''],
  [
    'provider SDK call (SDK, fetch, undici, web streams)',
    (_fn, url) =>
      /node_modules\/(openai|@anthropic-ai|groq-sdk|undici)\/|node:internal\/deps\/undici|node:internal\/webstreams|js_transferable|llm\/providers\//.test(url),
  ],
  [
    'usage record (recorder, pg insert, metrics)',
    (_fn, url) => /usage-recorder|usage\.repository|usage-accounting|metrics\.service|node_modules\/(pg|pg-protocol|pg-pool|typeorm)\//.test(url),
  ],
  ['limits and budget', (_fn, url) => /auth\/limits\/|node_modules\/(ioredis|@ioredis|redis-errors|denque)\//.test(url)],
  ['guard and key lookup', (_fn, url) => /auth\.guard|key-lookup|api-key\.codec|access-policy/.test(url)],
  [
    'body parsing and validation',
    (_fn, url) =>
      /node_modules\/(body-parser|raw-body|iconv-lite|class-validator|class-transformer|content-type|type-is|media-typer|bytes|http-errors|unpipe|destroy)\/|llm\/formats\/|validation\/|common\/http\//.test(
        url,
      ),
  ],
  ['response writing (express send/json)', (fn, url) => /node_modules\/express\/lib\/response/.test(url) || (fn === 'json' && /express/.test(url))],
  [
    'routing and middleware (express, Nest)',
    (_fn, url) =>
      /node_modules\/(express|router|@nestjs|path-to-regexp|finalhandler|helmet|on-finished|rxjs|parseurl|depd|serve-static|send|encodeurl|vary|cors|statuses|mime-types|mime-db|methods)\/|http-metrics|common\/overhead\/|src\/common\/[a-z-]+\.js|src\/auth\/auth\.decorators/.test(
        url,
      ),
  ],
  ['generation pipeline (plan, route, price, tokens)', (_fn, url) => /\/src\/llm\/|decimal\.js|js-tiktoken/.test(url)],
  [
    'HTTP server and sockets (node:http, net)',
    (fn, url) =>
      /node:_http_|node:net|stream_base_commons|node:internal\/streams|node:stream/.test(url) ||
      fn === 'writev' ||
      fn === 'writeUtf8String' ||
      fn === 'writeBuffer',
  ],
  ['promise and timer machinery', (fn, url) => fn === 'runMicrotasks' || /task_queues|node:internal\/timers|node:events|async_hooks/.test(url)],
];

export function breakdown(file: string, requests: number): { totalMsPerRequest: number; rows: BreakdownRow[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, string>();
  const classify = (id: number): string => {
    const cached = partOf.get(id);
    if (cached) return cached;
    let part = 'other';
    let scriptBelow = false;
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      const ownOnly = OWN_ONLY.test(f.url);
      const rule = ownOnly && scriptBelow ? undefined : RULES.find(([, test]) => test(f.functionName, f.url));
      if (f.url) scriptBelow = true;
      if (rule) {
        part = rule[0];
        break;
      }
    }
    partOf.set(id, part);
    return part;
  };
  const us = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const part = classify(id);
    if (part === 'idle') return;
    us.set(part, (us.get(part) ?? 0) + dt);
    total += dt;
  });
  const n = Math.max(1, requests);
  const rows = [...us.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([part, t]) => ({ part, usPerRequest: round(t / n, 1), percent: round((100 * t) / total, 1) }));
  return { totalMsPerRequest: round(total / n / 1000, 3), rows };
}

if (require.main === module) {
  const [file, requests] = process.argv.slice(2);
  if (!file || !requests) throw new Error('usage: profile-breakdown <file.cpuprofile> <requests>');
  const b = breakdown(file, Number(requests));
  process.stdout.write(`CPU per request (busy, idle excluded): ${b.totalMsPerRequest} ms\n`);
  for (const r of b.rows) process.stdout.write(`${String(r.usPerRequest).padStart(8)} µs  ${r.percent.toFixed(1).padStart(5)}%  ${r.part}\n`);
}
