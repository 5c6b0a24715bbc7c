/**
 * The reference target of `npm run bench`: a bare keep-alive reverse proxy
 * (node:http in front, one undici Pool behind), the floor any Node gateway can
 * reach on this machine. It forwards method, path, headers and body as they
 * come and streams the answer back; no auth, no limits, no logging.
 * Runs as its own process: BENCH_PROXY_PORT, BENCH_PROXY_UPSTREAM (origin).
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.env.BENCH_PROXY_UPSTREAM ?? 'http://127.0.0.1:8080', { connections: 256, pipelining: 1 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection']);

const server = createServer((req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  upstream
    .request({ method: req.method as 'POST', path: req.url ?? '/', headers, body: req })
    .then(({ statusCode, headers: upstreamHeaders, body }) => {
      for (const name of HOP_BY_HOP) delete upstreamHeaders[name];
      res.writeHead(statusCode, upstreamHeaders as Record<string, string | string[]>);
      body.on('data', (chunk: Buffer) => res.write(chunk));
      body.on('end', () => res.end());
      body.on('error', () => res.destroy());
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.BENCH_PROXY_PORT), '127.0.0.1');
