/**
 * The reference targets of `npm run bench`: a bare keep-alive reverse proxy
 * (node:http in front, one undici Pool behind), the floor any Node gateway can
 * reach on this machine. It forwards method, path, headers and body as they
 * come and streams the answer back; no auth, no limits, no logging.
 *
 * With BENCH_PROXY_COMMIT_DB set it is the floor of a gateway that keeps
 * LLMHub's promise: it reads the whole answer, commits one row per call to
 * that database (a plain INSERT, its own transaction, a durable commit), and
 * only then answers. At one connection the difference between the two proxies
 * is what the durable record alone costs on this machine.
 *
 * Runs as its own process: BENCH_PROXY_PORT, BENCH_PROXY_UPSTREAM (origin), BENCH_PROXY_COMMIT_DB (optional).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool as PgPool } from 'pg';
import { Pool, type Dispatcher } from 'undici';

const upstream = new Pool(process.env.BENCH_PROXY_UPSTREAM ?? 'http://127.0.0.1:8080', { connections: 256, pipelining: 1 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection']);
// BENCH_PROXY_SYNCHRONOUS_COMMIT=off: the floor of a gateway run with USAGE_SYNCHRONOUS_COMMIT=off
const commitOptions = process.env.BENCH_PROXY_SYNCHRONOUS_COMMIT === 'off' ? '-c synchronous_commit=off' : undefined;
const commitDb = process.env.BENCH_PROXY_COMMIT_DB
  ? new PgPool({ connectionString: process.env.BENCH_PROXY_COMMIT_DB, max: 16, options: commitOptions })
  : null;
const INSERT = { name: 'bench_proxy_log_insert', text: 'INSERT INTO bench_proxy_log (id, created_at, status, bytes) VALUES ($1, $2, $3, $4)' };

/** The request passed on as it came; the answer with its hop-by-hop headers removed. */
async function forward(
  req: IncomingMessage,
): Promise<{ statusCode: number; headers: Record<string, string | string[]>; body: Dispatcher.ResponseData['body'] }> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  const answer = await upstream.request({ method: req.method as 'POST', path: req.url ?? '/', headers, body: req });
  for (const name of HOP_BY_HOP) delete answer.headers[name];
  return { statusCode: answer.statusCode, headers: answer.headers as Record<string, string | string[]>, body: answer.body };
}

function fail(res: ServerResponse): void {
  if (!res.headersSent) res.writeHead(502).end();
  else res.destroy();
}

/** Streams the answer through as it arrives. */
function stream(req: IncomingMessage, res: ServerResponse): void {
  forward(req)
    .then(({ statusCode, headers, body }) => {
      res.writeHead(statusCode, headers);
      body.on('data', (chunk: Buffer) => res.write(chunk));
      body.on('end', () => res.end());
      body.on('error', () => res.destroy());
    })
    .catch(() => fail(res));
}

/** Reads the whole answer, commits its row, then answers. */
function commitThenAnswer(db: PgPool, req: IncomingMessage, res: ServerResponse): void {
  forward(req)
    .then(async ({ statusCode, headers, body }) => {
      const answer = Buffer.from(await body.arrayBuffer());
      await db.query({ ...INSERT, values: [randomUUID(), new Date().toISOString(), statusCode, answer.length] });
      res.writeHead(statusCode, { ...headers, 'content-length': String(answer.length) });
      res.end(answer);
    })
    .catch(() => fail(res));
}

async function main(): Promise<void> {
  if (commitDb) {
    await commitDb.query('CREATE TABLE IF NOT EXISTS bench_proxy_log (id uuid, created_at timestamptz, status int, bytes int, PRIMARY KEY (id, created_at))');
  }
  const server = createServer((req, res) => (commitDb ? commitThenAnswer(commitDb, req, res) : stream(req, res)));
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.BENCH_PROXY_PORT), '127.0.0.1');
}

main().catch((err: unknown) => {
  process.stderr.write(`bare proxy: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
