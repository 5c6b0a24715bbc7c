import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env.schema';
import { AppError } from '../common/errors/app-error';
import { logLinesWritten } from '../common/logging/logger.options';
import { PROCESS_ROLE, ProcessRole } from '../common/process-role';
import { AdminCredentialsRepository } from './admin-credentials.repository';
import { ADMIN_TOKEN_PREFIX, generateSecret, hashesEqual, sha256 } from './api-key.codec';
import { FailedAttemptThrottle } from './failed-attempt-throttle';
import { KeyLookupService } from './key-lookup.service';

export const SESSION_COOKIE = 'llmhub_session';
export const SESSION_TTL_MS = 12 * 3_600_000;
const CACHE_TTL_MS = 3_000;

/** How one token sent to an admin route turned out. */
type TokenCheck = 'admin' | 'wrong' | 'api_key';

/**
 * The admin credential: ADMIN_TOKEN, or a token generated on first start and
 * stored only as a hash; and the console's sessions (the cookie holds a random
 * id, the table its hash). Wrong tokens are slowed down per IP.
 */
@Injectable()
export class AdminAuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminAuth');
  private readonly envHash: Buffer | null;
  private stored: { hash: Buffer | null; until: number } = { hash: null, until: 0 };
  private readonly sessionCache = new Map<string, number>();
  readonly throttle = new FailedAttemptThrottle();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repo: AdminCredentialsRepository,
    private readonly keys: KeyLookupService,
    @Optional() @Inject(PROCESS_ROLE) private readonly role: ProcessRole = 'server',
  ) {
    this.envHash = config.adminToken ? sha256(config.adminToken) : null;
  }

  /** The server's first start without ADMIN_TOKEN: generate one, print it once, keep its hash (a CLI command never does). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'server' || this.envHash || (await this.repo.findTokenHash())) return;
    const token = generateSecret(ADMIN_TOKEN_PREFIX);
    if (!(await this.repo.insertTokenHashIfAbsent(sha256(token)))) return;
    await logLinesWritten();
    process.stdout.write(
      [
        '',
        '================================================================',
        ' LLMHub generated an admin token. It is shown only this once:',
        '',
        `   ${token}`,
        '',
        ' Use it as "Authorization: Bearer <token>" on /api/admin/* or to log in to the console.',
        ' Create a first client and its API key with:',
        '   npm run cli -- client:create --name my-app',
        ' Lost it? npm run cli -- admin:reset-token',
        '================================================================',
        '',
      ].join('\n'),
    );
  }

  /** Generates a new admin token, replacing the stored one; returns it (to show once). */
  async resetToken(): Promise<string> {
    const token = generateSecret(ADMIN_TOKEN_PREFIX);
    await this.repo.replaceTokenHash(sha256(token));
    this.stored = { hash: null, until: 0 };
    this.sessionCache.clear();
    return token;
  }

  get usesEnvironmentToken(): boolean {
    return this.envHash !== null;
  }

  async isAdminToken(token: string): Promise<boolean> {
    const hash = sha256(token);
    if (this.envHash) return hashesEqual(hash, this.envHash);
    const stored = await this.storedHash();
    return stored !== null && hashesEqual(hash, stored);
  }

  /**
   * Checks a token in its address's turn, slowing down an IP that keeps guessing; throws 401 unauthorized, 403
   * forbidden for a live API key (a client's credential sent by mistake, not a guess: it does not count as a wrong
   * token), or 429 rate_limited when too many attempts of the address already wait (the token was not checked: it may be right).
   */
  async assertAdminToken(token: string | undefined, ip: string): Promise<void> {
    const check = await this.throttle.inTurn(ip, () => this.checkToken(token, ip));
    if (check === undefined) {
      const retryAfterS = Math.max(1, Math.ceil(this.throttle.delayMs(ip) / 1000));
      throw new AppError(
        'rate_limited',
        `Too many admin token attempts from this address are waiting after repeated wrong tokens; this one was not checked: retry after ${retryAfterS} s`,
        [],
        retryAfterS,
      );
    }
    if (check === 'api_key') {
      throw new AppError(
        'forbidden',
        'This is an LLMHub API key, which opens the client routes (/v1/*, /api/v1/*); ' +
          'admin routes take the admin token ("Authorization: Bearer <admin token>") or a console session',
      );
    }
    if (check === 'wrong') throw new AppError('unauthorized', 'Invalid admin token');
  }

  private async checkToken(token: string | undefined, ip: string): Promise<TokenCheck> {
    if (token !== undefined && token !== '' && (await this.isAdminToken(token))) {
      this.throttle.succeeded(ip);
      return 'admin';
    }
    // a key that is not live (unknown, revoked, expired) proves nothing: any lh_… string would pass as "not a guess"
    try {
      if (token !== undefined && (await this.keys.verify(token)).status !== 'invalid') return 'api_key';
    } catch (error) {
      this.throttle.failed(ip); // the key could not be looked up: counted, as a guess would be
      throw error;
    }
    this.throttle.failed(ip);
    return 'wrong';
  }

  async createSession(token: string, ip: string): Promise<{ sessionId: string; expiresAt: Date }> {
    await this.assertAdminToken(token, ip);
    const sessionId = generateSecret();
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.repo.insertSession(sha256(sessionId), expiresAt);
    return { sessionId, expiresAt };
  }

  async isValidSession(sessionId: string, now = Date.now()): Promise<boolean> {
    const idHash = sha256(sessionId);
    const key = idHash.toString('base64');
    const cachedUntil = this.sessionCache.get(key);
    if (cachedUntil !== undefined && cachedUntil > now) return true;
    const expiresAt = await this.repo.findSessionExpiry(idHash);
    if (!expiresAt || expiresAt.getTime() <= now) return false;
    if (this.sessionCache.size > 1_000) this.sessionCache.clear();
    this.sessionCache.set(key, Math.min(expiresAt.getTime(), now + CACHE_TTL_MS));
    return true;
  }

  async endSession(sessionId: string): Promise<void> {
    const idHash = sha256(sessionId);
    this.sessionCache.delete(idHash.toString('base64'));
    await this.repo.deleteSession(idHash);
  }

  private async storedHash(now = Date.now()): Promise<Buffer | null> {
    if (this.stored.until > now) return this.stored.hash;
    const hash = await this.repo.findTokenHash();
    this.stored = { hash, until: now + CACHE_TTL_MS };
    if (!hash) this.logger.warn('No admin credential stored: run "npm run cli -- admin:reset-token"');
    return hash;
  }
}
