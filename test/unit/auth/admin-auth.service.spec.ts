import type { AdminCredentialsRepository } from '@src/auth/admin-credentials.repository';
import { AdminAuthService } from '@src/auth/admin-auth.service';
import { MAX_WAITING_ATTEMPTS } from '@src/auth/failed-attempt-throttle';
import { AppError } from '@src/common/errors/app-error';
import type { AppConfig } from '@src/config/env.schema';

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
  let sut: AdminAuthService;

  beforeEach(() => {
    jest.useFakeTimers();
    sut = new AdminAuthService({ adminToken: token } as AppConfig, {} as AdminCredentialsRepository);
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
});
