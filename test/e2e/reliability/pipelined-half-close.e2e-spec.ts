import { connect } from 'node:net';
import { GracefulShutdown } from '@src/common/http/graceful-shutdown';
import { startTestApp, TestApp } from '@test/support/app';

const chat = (key: string): string => {
  const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
  return [
    'POST /v1/chat/completions HTTP/1.1',
    'Host: llmhub',
    `Authorization: Bearer ${key}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
};

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

/**
 * A stop waits for the requests in flight, and a call's record leaves for the database at once only
 * when no other request is open: a request counted for ever would hold every stop for its whole
 * grace and slow every later call. A response queued behind another on a pipelined connection that
 * the client half-closes never gets a 'close' of its own (Node drops it with the connection).
 */
describe('pipelined requests from a client that half-closes (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers every pipelined request, and counts none as running after', async () => {
    const shutdown = t.app.get(GracefulShutdown);
    const port = Number(new URL(t.url).port);
    const socket = connect(port, '127.0.0.1');
    let answers = '';
    socket.on('data', (chunk: Buffer) => (answers += chunk.toString('latin1')));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(chat('lh_first') + chat('lh_second') + chat('lh_third'));
    try {
      // each answer's status line follows the one before's body directly
      expect(await until(() => (answers.match(/HTTP\/1\.1 \d{3}/g) ?? []).length === 3)).toBe(true);
      expect(answers.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 401', 'HTTP/1.1 401', 'HTTP/1.1 401']);
      expect(await until(() => shutdown.openRequests === 0)).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('counts no request as running once the connection is gone', async () => {
    const shutdown = t.app.get(GracefulShutdown);
    const port = Number(new URL(t.url).port);
    const socket = connect(port, '127.0.0.1');
    socket.resume();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.end(chat('lh_not-a-key') + chat('lh_not-a-key-either'));
    await closed;
    // a request left counted would hold a stop for its whole grace, and keep the recorder from committing at once
    expect(await until(() => shutdown.openRequests === 0)).toBe(true);
  });
});
