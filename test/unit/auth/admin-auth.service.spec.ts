import type { AdminCredentialsRepository } from '@src/auth/admin-credentials.repository';
import { AdminAuthService } from '@src/auth/admin-auth.service';
import { MAX_WAITING_ATTEMPTS } from '@src/auth/failed-attempt-throttle';
import { AppError } from '@src/common/errors/app-error';
import type { AppConfig } from '@src/config/env.schema';
import type { Caller } from '@src/common/caller';
import type { KeyLookupService, KeyVerdict } from '@src/auth/key-lookup.service';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(AdminAuthService.name, () => {
  const token = 'right-admin-token-0123456789';
  const liveKey = 'lh_live-key-of-a-client-0123456789';
  const inactiveKey = 'lh_key-of-a-deactivated-client-0123';
  const revokedKey = 'lh_revoked-key-0123456789abcdefgh';
  let sut: AdminAuthService;

  beforeEach(() => {
    jest.useFakeTimers();
    const verdicts: Record<string, KeyVerdict> = {
      [liveKey]: { status: 'ok', caller: {} as Caller },
      [inactiveKey]: { status: 'inactive', caller: {} as Caller },
      [revokedKey]: { status: 'invalid', reason: 'revoked' },
    };
    const keys = { verify: (key: string) => Promise.resolve(verdicts[key] ?? { status: 'invalid', reason: 'unknown' }) };
    sut = new AdminAuthService({ adminToken: token } as AppConfig, {} as AdminCredentialsRepository, keys as KeyLookupService);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers 401 unauthorized to a wrong token', async () => {
    expect((await refusal(sut.assertAdminToken('wrong', '10.0.0.1'))).code).toBe('unauthorized');
  });

  it('answers 429 rate_limited with Retry-After, not "invalid token", when too many guesses of the address wait their turn', async () => {
    for (let i = 0; i < 20; i++) sut.throttle.failed('10.0.0.2');
    // guesses that wait on the throttle's (fake) timers and never finish here
    for (let i = 0; i < MAX_WAITING_ATTEMPTS; i++) void sut.assertAdminToken('wrong', '10.0.0.2').catch(() => undefined);
    const refused = await refusal(sut.assertAdminToken(token, '10.0.0.2'));
    expect(refused.code).toBe('rate_limited');
    expect(refused.message).toContain('this one was not checked');
    expect(refused.retryAfterS).toBe(10);
    // another address is not concerned
    await expect(sut.assertAdminToken(token, '10.0.0.3')).resolves.toBeUndefined();
  });

  it('answers 403 to a live API key, saying admin routes take the admin token, and does not count it as a wrong guess', async () => {
    for (const key of [liveKey, inactiveKey]) {
      for (let i = 0; i < 10; i++) {
        const refused = await refusal(sut.assertAdminToken(key, '10.0.0.4'));
        expect(refused.code).toBe('forbidden');
        expect(refused.message).toContain('admin routes take the admin token');
      }
    }
    expect(sut.throttle.delayMs('10.0.0.4')).toBe(0);
  });

  it('still counts an lh_… string that is not a live key (unknown, revoked) as a wrong token', async () => {
    for (const key of ['lh_made-up-0123456789abcdefghij', revokedKey, 'lh_made-up-0123456789abcdefghij', revokedKey, 'lh_x']) {
      expect((await refusal(sut.assertAdminToken(key, '10.0.0.5'))).code).toBe('unauthorized');
    }
    expect(sut.throttle.delayMs('10.0.0.5')).toBeGreaterThan(0);
  });
});
