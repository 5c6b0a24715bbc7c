import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTRA_ACCEPTORS } from '@src/common/http/acceptors';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { waitUntil } from '@test/support/poll';
import { createClientKey, ensureServerBuilt, ServerProcess, startServer } from '@test/support/server-process';

/** The inode of the socket listening on `port` (IPv4), from the kernel's table. */
function listeningInode(port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // local address, state 0A = LISTEN, inode
    if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') return fields[9];
  }
  return undefined;
}

/** How many of `pid`'s descriptors are the socket with this inode. */
function descriptorsOf(pid: number, inode: string): number {
  const dir = `/proc/${pid}/fd`;
  return readdirSync(dir).filter((fd) => {
    try {
      return readlinkSync(join(dir, fd)) === `socket:[${inode}]`;
    } catch {
      return false; // closed in between
    }
  }).length;
}

/** One chat completion on a connection of its own (no keep-alive agent): the status. */
function callOnNewConnection(url: string, key: string): Promise<number> {
  const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, { method: 'POST', agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Node accepts one new connection per listening handle per turn of its event loop; the built server
 * listens on its port with 16 handles so that a burst of new connections on a busy server is taken
 * in 16 at a turn (the turn-by-turn count is in test/unit/common/http/acceptors.spec.ts).
 */
describe('a burst of new connections on the built server (e2e)', () => {
  let server: ServerProcess;
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'llmhub-e2e-burst-'));
    server = await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir });
  }, 180_000);

  afterAll(async () => {
    await server?.kill9();
    await db?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on its port with 16 handles, and says nothing about it when that worked', async () => {
    // ready is answered from the first handle on; the others are in place when it says it listens
    await waitUntil(() => server.fullOutput().includes('LLMHub listening on'), 'the server says it listens', { timeoutMs: 30_000 });
    const inode = listeningInode(server.port);
    expect(inode).toBeDefined();
    expect(descriptorsOf(server.child.pid!, inode!)).toBe(EXTRA_ACCEPTORS + 1);
    expect(server.fullOutput()).not.toContain('per event-loop turn');
  });

  it('serves 300 calls arriving at once, each on a new connection', async () => {
    const { key } = await createClientKey(server.url);

    const statuses = await Promise.all(Array.from({ length: 300 }, () => callOnNewConnection(server.url, key)));

    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  }, 60_000);
});
