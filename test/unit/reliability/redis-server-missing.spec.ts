import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisProcess, redisServerGate } from '@test/support/redis-process';

/**
 * The tests that start a redis-server of their own, on a machine without the binary: skipped with
 * a message saying so (they used to crash their whole file), or failed when CI=true, since CI must
 * not lose that coverage without a word.
 */
describe('tests that start their own redis-server, without the binary', () => {
  const noRedis = mkdtempSync(join(tmpdir(), 'llmhub-no-redis-'));

  it('are skipped, saying redis-server is missing', () => {
    expect(redisServerGate({ PATH: noRedis })).toEqual({
      run: false,
      fail: false,
      reason: 'redis-server is not installed (not found on PATH): skipped; install redis-server to run them',
    });
  });

  it('fail loudly when CI=true', () => {
    const gate = redisServerGate({ PATH: noRedis, CI: 'true' });
    expect(gate).toMatchObject({ run: false, fail: true });
    expect(gate.run === false && gate.reason).toContain('redis-server is not installed');
  });

  it('run where a redis-server is on PATH', () => {
    const withRedis = mkdtempSync(join(tmpdir(), 'llmhub-fake-redis-'));
    writeFileSync(join(withRedis, 'redis-server'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(withRedis, 'redis-server'), 0o755);
    expect(redisServerGate({ PATH: withRedis, CI: 'true' })).toEqual({ run: true });
  });

  it('RedisProcess.start() rejects naming the missing binary, rather than ending the test file with an unhandled spawn error', async () => {
    await expect(RedisProcess.start({ PATH: noRedis })).rejects.toThrow('redis-server is not installed (not found on PATH)');
  });
});
