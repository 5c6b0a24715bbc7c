import type { AccessPolicy } from '@src/auth/access-policy.service';
import { generateApiKey } from '@src/auth/api-key.codec';
import type { ApiKeysRepository, KeyWithClient } from '@src/auth/api-keys.repository';
import type { ClientsRepository } from '@src/auth/clients.repository';
import { KeyLookupService } from '@src/auth/key-lookup.service';

const row = (changes: Partial<KeyWithClient> = {}): KeyWithClient => ({
  keyId: '00000000-0000-4000-8000-000000000002',
  expiresAt: null,
  revokedAt: null,
  keyAllowedModels: null,
  keyRpm: null,
  keyTpm: null,
  clientId: '00000000-0000-4000-8000-000000000001',
  clientName: 'marketing',
  isActive: true,
  clientRpm: null,
  clientTpm: null,
  allowedProviders: null,
  allowedModels: null,
  fallbackModels: null,
  metadata: {},
  budgetUsd: null,
  budgetPeriod: 'month',
  budgetTimezone: 'UTC',
  budgetAlertThreshold: null,
  ...changes,
});

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe(KeyLookupService.name, () => {
  let keys: jest.Mocked<Pick<ApiKeysRepository, 'findWithClientByHash'>>;
  let sut: KeyLookupService;
  const { key } = generateApiKey();

  beforeEach(() => {
    keys = { findWithClientByHash: jest.fn() };
    const access: Pick<AccessPolicy, 'intersectAllowLists'> = { intersectAllowLists: (client) => client };
    sut = new KeyLookupService(keys as unknown as ApiKeysRepository, {} as ClientsRepository, access as AccessPolicy);
  });

  it('refuses a key revoked while a lookup of it was under way, instead of caching what that lookup read', async () => {
    const beforeRevocation = deferred<KeyWithClient | null>();
    keys.findWithClientByHash.mockReturnValueOnce(beforeRevocation.promise);
    const inFlight = sut.verify(key);
    // the revocation commits and invalidates this instance's cache while the lookup still waits for its row
    sut.invalidateAll();
    beforeRevocation.resolve(row());
    expect((await inFlight).status).toBe('ok');
    keys.findWithClientByHash.mockResolvedValueOnce(row({ revokedAt: new Date(Date.now() - 1_000) }));
    expect(await sut.verify(key)).toEqual({ status: 'invalid', reason: 'revoked' });
  });

  it('answers from its cache between changes', async () => {
    keys.findWithClientByHash.mockResolvedValue(row());
    await sut.verify(key);
    await sut.verify(key);
    expect(keys.findWithClientByHash).toHaveBeenCalledTimes(1);
  });
});
