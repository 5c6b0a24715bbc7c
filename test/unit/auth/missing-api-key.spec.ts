import { authenticateClient } from '../../../src/auth/auth.guard';
import type { KeyLookupService } from '../../../src/auth/key-lookup.service';
import { AppError } from '../../../src/common/errors/app-error';

/** A call with no usable key: the 401 says what was wrong with the Authorization header sent, without echoing it. */
describe('authenticateClient without a usable key', () => {
  const keys = { verify: jest.fn() } as unknown as KeyLookupService;

  async function refusal(headers: Record<string, string>): Promise<AppError> {
    try {
      await authenticateClient(keys, { headers, caller: undefined });
    } catch (error) {
      return error as AppError;
    }
    throw new Error('the call was not refused');
  }

  it.each([
    [{}, /^No API key: send it as/],
    [{ authorization: '   ' }, /^No API key: send it as/],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, /the request has an Authorization header of the "Basic" scheme; send it as/],
    [{ authorization: 'Bearer' }, /an Authorization: Bearer header with no key after it/],
    [{ authorization: 'Bearer sk-llmhub-abc extra' }, /an Authorization: Bearer header with more than the key after it/],
    [{ authorization: 'sk-llmhub-secretsecret' }, /an Authorization header without the Bearer scheme/],
  ])('%j is refused as missing_api_key, saying why', async (headers, message) => {
    const error = await refusal(headers);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('missing_api_key');
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/dXNlcjpwYXNz|secretsecret|extra/);
    expect(keys.verify).not.toHaveBeenCalled();
  });
});
