import { Agent, get, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { startTestApp, TestApp } from '@test/support/app';

interface Answer {
  status: number;
  keepAlive: string | undefined;
  socket: Socket;
  reused: boolean;
}

function getOn(agent: Agent, url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent }, (res: IncomingMessage) => {
      res.resume();
      const keepAlive = res.headers['keep-alive'] as string | undefined;
      res.on('end', () => resolve({ status: res.statusCode ?? 0, keepAlive, socket: req.socket!, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A load balancer (or a client's connection pool) reuses an idle connection until its own idle
 * timeout, 60 s on the common ones. A server that closes it sooner makes a request sent on it in
 * that moment fail: LLMHub keeps idle connections for HTTP_KEEP_ALIVE_TIMEOUT_MS (65 s).
 */
describe('idle client connections (e2e)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("keeps an idle connection open past Node's 5 s default, and says for how long", async () => {
    t = await startTestApp();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await getOn(agent, `${t.url}/health`);
      expect(first).toMatchObject({ status: 200, keepAlive: 'timeout=65' });
      await sleep(5_500);
      expect(first.socket.destroyed).toBe(false);
      const second = await getOn(agent, `${t.url}/health`);
      expect(second).toMatchObject({ status: 200, reused: true });
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  it('closes an idle connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    t = await startTestApp({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await getOn(agent, `${t.url}/health`);
      expect(first).toMatchObject({ status: 200, keepAlive: 'timeout=1' });
      await new Promise<void>((resolve) => (first.socket.destroyed ? resolve() : first.socket.once('close', () => resolve())));
      const second = await getOn(agent, `${t.url}/health`);
      expect(second).toMatchObject({ status: 200, reused: false });
    } finally {
      agent.destroy();
    }
  });
});
