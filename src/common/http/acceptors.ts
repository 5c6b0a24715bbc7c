import { spawn } from 'node:child_process';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';

/**
 * How many more handles listen on the HTTP socket besides the server's own. Node (libuv 1.45 and
 * later) accepts one new connection per listening handle per turn of its event loop, and a turn of a
 * busy gateway lasts as long as the work of every socket that had something to read: 500 clients
 * connecting at once waited up to 10 s to be accepted. With 16 handles, 16 a turn.
 */
export const EXTRA_ACCEPTORS = 15;

/**
 * The accept queue each handle asks for; the kernel keeps the smallest of the values asked by a socket's
 * last listen() and net.core.somaxconn (4096 on current kernels). Node's own default, 511, overflowed
 * when 2,000 clients connected at once: the kernel dropped their handshakes and they tried again a
 * second or more later.
 */
export const LISTEN_BACKLOG = 65_535;

/** How long the helper process may take to hand the copies back before the server goes on without them. */
const HELPER_TIMEOUT_MS = 5_000;

/** The helper: sends every handle it receives straight back, and ends with its channel. */
const ECHO_HANDLES = "process.on('message', (m, h) => process.send(m, h)); process.on('disconnect', () => process.exit(0));";

/** A listening socket as libuv holds it: what child_process can pass to another process. */
type ListenHandle = object;

export interface AcceptorsOutcome {
  added: number;
  /** why fewer than asked were added */
  problem?: string;
}

/**
 * Makes `server` accept up to `count` + 1 new connections per event-loop turn instead of one. Node
 * has no way to duplicate a socket's descriptor in a process, so a short-lived helper process
 * receives the listening socket `count` times over the IPC channel and sends it back: each trip back
 * arrives as a new descriptor of the same socket. Each listens beside the server's own, asking for an
 * accept queue as deep as the kernel allows (LISTEN_BACKLOG), and hands what it accepts to the server
 * as if the server had accepted it (same socket options; HTTP keep-alive, timeouts and closing all
 * apply). `server.close()` closes them with it, so a stopping server refuses new connections at once
 * as before. Linux only (elsewhere: nothing added); when the helper cannot start or answer, the server
 * keeps the handles it has and `problem` says why.
 */
export async function addAcceptors(server: HttpServer, count = EXTRA_ACCEPTORS): Promise<AcceptorsOutcome> {
  if (process.platform !== 'linux' || count <= 0) return { added: 0 };
  const handle = (server as unknown as { _handle?: ListenHandle | null })._handle;
  if (!server.listening || !handle) return { added: 0, problem: 'the server is not listening' };

  const { handles, problem } = await echoedHandles(handle, count);
  if (!server.listening) {
    // closed while the helper ran (a stop during the start): a copy left open would keep the socket listening
    for (const copy of handles) (copy as { close(): void }).close();
    return { added: 0, problem: 'the server stopped listening' };
  }
  const acceptors = handles.map((copy) => listenBeside(server, copy));
  if (acceptors.length > 0) closeWith(server, acceptors);
  return { added: acceptors.length, ...(problem ? { problem } : {}) };
}

/** Sends `handle` to a helper process `count` times and collects the copies it sends back. */
function echoedHandles(handle: ListenHandle, count: number): Promise<{ handles: ListenHandle[]; problem?: string }> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // a preload (an agent, a profiler) has no business in the helper
  return new Promise((resolve) => {
    const handles: ListenHandle[] = [];
    let settled = false;
    const child = spawn(process.execPath, ['-e', ECHO_HANDLES], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env });
    const finish = (problem?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const outcome = problem ? { handles, problem } : { handles };
      // resolved once the helper is gone: until then its own copies keep the socket listening
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve(outcome);
      const stuck = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(stuck);
        resolve(outcome);
      });
      if (problem || !child.connected) child.kill('SIGKILL');
      else child.disconnect(); // the helper exits with its channel
    };
    const timer = setTimeout(() => finish(`the helper process returned ${handles.length} of ${count} in ${HELPER_TIMEOUT_MS} ms`), HELPER_TIMEOUT_MS);
    child.on('message', (_message: unknown, copy?: ListenHandle) => {
      if (settled) return;
      if (copy) handles.push(copy);
      if (handles.length === count) finish();
    });
    child.on('error', (error) => finish(`the helper process could not start: ${error.message}`));
    child.on('exit', (code, signal) => finish(`the helper process ended (${signal ?? `exit code ${code}`}) after returning ${handles.length} of ${count}`));
    child.on('spawn', () => {
      // the raw handle, not the server: a server would start accepting in the helper itself
      for (let i = 0; i < count; i++) child.send(i, handle as never);
    });
  });
}

/** A listener on `copy` with the server's own socket options, passing every connection it accepts to the server. */
function listenBeside(server: HttpServer, copy: ListenHandle): NetServer {
  const options = server as unknown as { allowHalfOpen: boolean; pauseOnConnect: boolean; noDelay: boolean; keepAlive: boolean; keepAliveInitialDelay: number };
  const acceptor = createServer({
    allowHalfOpen: options.allowHalfOpen,
    pauseOnConnect: options.pauseOnConnect,
    noDelay: options.noDelay,
    keepAlive: options.keepAlive,
    keepAliveInitialDelay: options.keepAliveInitialDelay,
  });
  acceptor.on('connection', (socket) => server.emit('connection', socket));
  // libuv does not report accept() failures; anything else is the server's own error, if it listens for one
  acceptor.on('error', (error) => {
    if (server.listenerCount('error') > 0) server.emit('error', error);
  });
  acceptor.listen(copy, LISTEN_BACKLOG);
  return acceptor;
}

/** `server.close()` (a stop, a drain, the framework's close) closes the acceptors first: no connection is accepted after it. */
function closeWith(server: HttpServer, acceptors: NetServer[]): void {
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    for (const acceptor of acceptors) if (acceptor.listening) acceptor.close();
    return close(callback);
  };
}
