import { createServer, type Server } from 'node:net';
import Redis from 'ioredis';
import { pollUntil } from '@test/support/poll';
import { describeWithRedisServer, RedisProcess } from '@test/support/redis-process';

/**
 * A test's own redis-server, restarted: it must come back on its own port (the application under test holds its
 * URL), and only when it answers there itself, not whatever took the port while it was down.
 */
describeWithRedisServer("a test's redis-server restarted on its port", () => {
  let redis: RedisProcess;
  let standIn: Server | undefined;

  afterEach(async () => {
    standIn?.close();
    await redis?.stop();
  });

  it('waits while another program holds the port, and is up itself once it has it', async () => {
    redis = await RedisProcess.start();
    await redis.stop();
    // something else on the port that answers every line as Redis answers PING
    let connections = 0;
    standIn = createServer((socket) => {
      connections++;
      socket.on('data', () => socket.write('+PONG\r\n'));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      standIn!.once('error', reject);
      standIn!.listen(redis.port, '127.0.0.1', () => resolve());
    });

    const restarted = redis.start();
    // the restart has asked who answers on the port: the stand-in, which must not pass for the server
    expect(
      await pollUntil(
        () => connections,
        (n) => n > 0,
        { timeoutMs: 10_000 },
      ),
    ).toBeGreaterThan(0);
    await new Promise((resolve) => standIn!.close(resolve));
    await restarted;

    const client = new Redis(redis.url, { maxRetriesPerRequest: 0 });
    try {
      expect(await client.set('restarted', 'itself')).toBe('OK');
      expect(await client.get('restarted')).toBe('itself');
    } finally {
      client.disconnect();
    }
  }, 30_000);
});
