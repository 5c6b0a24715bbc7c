import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAcceptors, EXTRA_ACCEPTORS } from '@src/common/http/acceptors';
import { connectionRefused } from '@test/support/net';

/**
 * A client in another process: opens `n` connections, sends a request on each, writes `readyFile`
 * once every connection is established (by the kernel: the server need not have accepted it), and
 * prints the status line of every answer as JSON.
 */
const CLIENT = `
const { connect } = require('node:net');
const { writeFileSync } = require('node:fs');
const [port, n, readyFile] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
let connected = 0;
const answers = [];
for (let i = 0; i < n; i++) {
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('GET / HTTP/1.1\\r\\nHost: test\\r\\nConnection: close\\r\\n\\r\\n');
    if (++connected === n) writeFileSync(readyFile, '');
  });
  let text = '';
  socket.on('data', (chunk) => (text += chunk));
  socket.on('end', () => {
    answers.push(text.split('\\r\\n')[0]);
    if (answers.length === n) process.stdout.write(JSON.stringify(answers));
  });
}
`;

interface Burst {
  /** the status line each connection got */
  answers: string[];
  /** connections the server accepted in the first turn of its event loop after they all arrived */
  firstTurn: number;
  /** allowHalfOpen of each accepted socket, as the HTTP server needs it */
  halfOpen: boolean[];
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * `n` connections arrive while the server's event loop is held (as a busy gateway's is), then the
 * loop runs again: how many does it accept in its first turn, and is every one served?
 */
async function burst(server: Server, n: number): Promise<Burst> {
  const halfOpen: boolean[] = [];
  const turns: number[] = [];
  let turn = 0;
  let turnEnding = false;
  server.on('connection', () => {
    turns.push(turn);
    if (turnEnding) return;
    turnEnding = true;
    setImmediate(() => {
      turn++;
      turnEnding = false;
    });
  });
  server.on('request', (req, res) => {
    halfOpen.push(req.socket.allowHalfOpen);
    res.end('ok');
  });
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'llmhub-acceptors-'));
  const readyFile = join(dir, 'ready');
  const client = spawn(process.execPath, ['-e', CLIENT, String(port), String(n), readyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let output = '';
    client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => client.once('exit', () => resolve()));
    // hold the loop until every connection waits in the kernel's accept queue
    const deadline = Date.now() + 15_000;
    while (!existsSync(readyFile)) if (Date.now() > deadline) throw new Error('the client did not connect within 15 s');
    await exited;
    return { answers: JSON.parse(output || '[]') as string[], firstTurn: turns.filter((t) => t === 0).length, halfOpen };
  } finally {
    if (client.exitCode === null) client.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('addAcceptors: more than one new connection accepted per event-loop turn', () => {
  let server: Server;

  beforeEach(async () => {
    server = createServer();
    await listen(server);
  });

  afterEach(async () => {
    if (server.listening) await close(server);
  });

  it('without them, Node accepts one waiting connection per turn of its event loop (what the acceptors are for)', async () => {
    const seen = await burst(server, 40);

    expect(seen.firstTurn).toBe(1);
    expect(seen.answers).toHaveLength(40);
  });

  it('with them, one per handle: 16 in the first turn, and every connection is served as the server serves its own', async () => {
    expect(await addAcceptors(server)).toEqual({ added: EXTRA_ACCEPTORS });

    const seen = await burst(server, 40);

    expect(seen.firstTurn).toBe(EXTRA_ACCEPTORS + 1);
    expect(seen.answers).toEqual(Array.from({ length: 40 }, () => 'HTTP/1.1 200 OK'));
    // the HTTP server's own socket options, whichever handle accepted the connection
    expect(seen.halfOpen).toEqual(Array.from({ length: 40 }, () => true));
  });

  it('with them, the accept queue is as deep as the kernel allows: 600 connections arriving at once all wait in it (Node asks for 511)', async () => {
    // the kernel holds a listening socket's queue to net.core.somaxconn
    const n = Math.min(600, Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8')));
    await addAcceptors(server);

    const seen = await burst(server, n);

    expect(seen.answers).toEqual(Array.from({ length: n }, () => 'HTTP/1.1 200 OK'));
  });

  it('server.close() closes them with the server: a new connection is refused at once', async () => {
    await addAcceptors(server);
    const port = (server.address() as AddressInfo).port;
    expect(await connectionRefused(port)).toBe(false);

    await close(server);

    expect(await connectionRefused(port)).toBe(true);
  });

  it('a server closed while the helper runs (a stop during the start) is left closed: its port refuses connections', async () => {
    const port = (server.address() as AddressInfo).port;
    const adding = addAcceptors(server);
    await close(server);

    expect(await adding).toEqual({ added: 0, problem: 'the server stopped listening' });
    expect(await connectionRefused(port)).toBe(true);
  });

  it('when the helper process cannot start, the server keeps its own handle, serves as before and says why', async () => {
    const execPath = process.execPath;
    process.execPath = join(tmpdir(), 'no-such-node');
    let outcome;
    try {
      outcome = await addAcceptors(server);
    } finally {
      process.execPath = execPath;
    }

    expect(outcome.added).toBe(0);
    expect(outcome.problem).toMatch(/^the helper process could not start: spawn .*no-such-node ENOENT$/);
    const seen = await burst(server, 5);
    expect(seen.answers).toEqual(Array.from({ length: 5 }, () => 'HTTP/1.1 200 OK'));
  });

  it('a server that is not listening gets none, and says so', async () => {
    await close(server);

    expect(await addAcceptors(server)).toEqual({ added: 0, problem: 'the server is not listening' });
  });
});
