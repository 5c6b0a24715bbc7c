import request from 'supertest';
import { AdminAuthService } from '@src/auth/admin-auth.service';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * Wrong admin tokens slow down further attempts from the same client address. Behind a load
 * balancer every request comes from the balancer: TRUST_PROXY names it, and the address
 * X-Forwarded-For gives is the client's. Without it the header is ignored, so an attacker cannot
 * dodge the throttle by sending a new X-Forwarded-For with each attempt.
 */
describe('client address behind proxies (e2e)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function failSignIns(app: TestApp, forwardedFor: (i: number) => string): Promise<void> {
    for (let i = 0; i < 6; i++) {
      await request(app.url).post('/api/admin/session').set('X-Forwarded-For', forwardedFor(i)).send({ token: 'wrong-token' }).expect(401);
    }
  }

  it('ignores X-Forwarded-For by default: attempts are counted against the peer', async () => {
    t = await startTestApp({ TRUST_PROXY: undefined });
    await failSignIns(t, (i) => `203.0.113.${i + 1}`);
    const throttle = t.app.get(AdminAuthService).throttle;
    expect(throttle.delayMs('127.0.0.1')).toBeGreaterThan(0);
    expect(throttle.delayMs('203.0.113.1')).toBe(0);
  });

  it('slows wrong tokens sent in parallel as if they were sent one after another', async () => {
    t = await startTestApp({ TRUST_PROXY: undefined });
    const app = t;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(app.url).post('/api/admin/session').send({ token: 'wrong-token' })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(401));
    // five free, then 250 + 500 + 1000 ms: each waited for the failures before it (at once, they would all have been free)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_750);
    expect(app.app.get(AdminAuthService).throttle.delayMs('127.0.0.1')).toBe(2_000);
  });

  it('with TRUST_PROXY, counts attempts against the address X-Forwarded-For names', async () => {
    t = await startTestApp({ TRUST_PROXY: 'loopback' });
    await failSignIns(t, () => '203.0.113.7');
    const throttle = t.app.get(AdminAuthService).throttle;
    expect(throttle.delayMs('203.0.113.7')).toBeGreaterThan(0);
    // the balancer itself, and so every other client behind it, is not slowed down
    expect(throttle.delayMs('127.0.0.1')).toBe(0);
    expect(throttle.delayMs('198.51.100.9')).toBe(0);
  });
});
