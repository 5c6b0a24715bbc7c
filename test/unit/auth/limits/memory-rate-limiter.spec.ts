import { MemoryRateLimiter } from '@src/auth/limits/memory-rate-limiter';

describe(MemoryRateLimiter.name, () => {
  const t0 = 1_000_000;

  it('admits rpm requests in a burst, refuses the next with a Retry-After, and refills over the minute', () => {
    const sut = new MemoryRateLimiter();
    const req = { clientId: 'c', rpm: 3, tpm: null, tokens: 0 };
    for (let i = 0; i < 3; i++) expect(sut.admit(req, t0).ok).toBe(true);
    const refused = sut.admit(req, t0);
    expect(refused).toMatchObject({ ok: false, reason: 'requests', retryAfterS: 20 });
    expect(sut.admit(req, t0 + 20_000).ok).toBe(true);
  });

  it('reserves tokens, gives unused ones back, and does not count a refused request against RPM', () => {
    const sut = new MemoryRateLimiter();
    const req = { clientId: 'c', rpm: 10, tpm: 1000, tokens: 600 };
    expect(sut.admit(req, t0)).toMatchObject({ ok: true, tokens: { remaining: 400 }, requests: { remaining: 9 } });
    expect(sut.admit(req, t0)).toMatchObject({ ok: false, reason: 'tokens', requests: { remaining: 9 } });
    sut.adjustTokens('c', 1000, 500, t0);
    expect(sut.admit(req, t0)).toMatchObject({ ok: true, tokens: { remaining: 300 } });
  });

  it('lets a request larger than the TPM limit through only when the bucket is full', () => {
    const sut = new MemoryRateLimiter();
    const big = { clientId: 'c', rpm: null, tpm: 100, tokens: 500 };
    expect(sut.admit(big, t0).ok).toBe(true);
    expect(sut.admit({ ...big, tokens: 1 }, t0 + 60_000).ok).toBe(false);
  });
});
