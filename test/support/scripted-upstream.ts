import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { toProviderError } from '@src/llm/providers/sdk-errors';

/** What a scripted provider sends for one request: status, headers, and the body in pieces (each its own write). */
export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  pieces: string[];
  /** after the pieces: end the response (default), destroy the socket, or leave it open */
  then?: 'end' | 'cut' | 'hold';
}

export interface ScriptedUpstream {
  url: string;
  /** every request received since the last reset, with the socket it came on */
  requests: { socket: Socket; headers: IncomingMessage['headers']; body: string }[];
  /** sockets the server has seen closed */
  closedSockets: Set<Socket>;
  /** between tests: ends the held responses and forgets the requests */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A provider on a free port that answers each request by the `model` of its
 * JSON body: `replyFor(model)` says what to send, `'hang'` sends nothing. For
 * comparing a direct provider call with the SDK's own, byte for byte.
 */
export async function startScriptedUpstream(replyFor: (model: string) => ScriptedReply | 'hang'): Promise<ScriptedUpstream> {
  const sockets = new Set<Socket>();
  const closedSockets = new Set<Socket>();
  let held: ServerResponse[] = [];
  const upstream = { requests: [] as ScriptedUpstream['requests'] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      upstream.requests.push({ socket: req.socket, headers: req.headers, body });
      const reply = replyFor((JSON.parse(body) as { model: string }).model);
      if (reply === 'hang') return void held.push(res);
      res.writeHead(reply.status ?? 200, reply.headers ?? { 'content-type': 'text/event-stream' });
      let i = 0;
      // each piece its own write; the last one ends the response with it, as providers do
      const next = (): void => {
        if (i === reply.pieces.length - 1 && (reply.then ?? 'end') === 'end') return void res.end(reply.pieces[i++]);
        if (i < reply.pieces.length) {
          res.write(reply.pieces[i++]);
          setImmediate(next);
          return;
        }
        if (reply.then === 'cut') res.socket?.destroy();
        else if (reply.then === 'hold') held.push(res);
        else res.end();
      };
      next();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => closedSockets.add(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return upstream.requests;
    },
    closedSockets,
    reset() {
      for (const res of held) res.destroy();
      held = [];
      upstream.requests = [];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** How a provider call failed, as the SDK's error and as the ProviderError the router sees: compared between the SDK and the direct call. */
export function errorOutcome(err: unknown, signal: AbortSignal) {
  const e = err as Error & { status?: number };
  const mapped = toProviderError(err, signal);
  return {
    className: e.constructor.name,
    message: e.message,
    status: e.status,
    kind: mapped.kind,
    providerMessage: mapped.message,
    ...(mapped.retryAfterS !== undefined ? { retryAfterS: mapped.retryAfterS } : {}),
  };
}
