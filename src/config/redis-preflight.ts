import Redis from 'ioredis';
import { StartupError } from '../common/startup-error';

const CONNECT_TIMEOUT_MS = 3_000;

/** Answers that no retry will change: the server is there and refuses these credentials. */
const REFUSED_CREDENTIALS = /^(WRONGPASS|NOAUTH)\b|invalid password|invalid username-password/i;

/** The answer to a SELECT of a database the server does not have (REDIS_URL's /<db>): ioredis would go on in database 0 unsaid. */
const NO_SUCH_DATABASE = /DB index is out of range/i;

/**
 * Connects once to REDIS_URL before the application starts. A Redis that does
 * not answer is left to the running instance, which goes on with per-instance
 * limits until it does (docs/OPERATIONS.md); but one that refuses the password
 * never will, and an instance started with it would keep its limits to itself
 * for good while looking healthy apart from a warning: that stops the start,
 * as does a database number the server does not have.
 */
export async function assertRedisUsable(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // the reason of a failed connection comes as an 'error' event; connect() only says it closed
  let reason: Error | undefined;
  redis.on('error', (error: Error) => (reason = error));
  let failure: Error | undefined;
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    failure = error as Error;
  } finally {
    redis.disconnect();
  }
  // a SELECT refused on connect is only an 'error' event: the connection goes on, in database 0
  const message = (reason ?? failure)?.message.replace(/\.$/, '');
  if (message === undefined) return;
  if (REFUSED_CREDENTIALS.test(message)) {
    throw new StartupError(
      `LLMHub cannot use Redis at REDIS_URL (${shown(url)}): the server refused the credentials (${message}).\n` +
        'Correct the user name and password in REDIS_URL, or unset REDIS_URL to keep rate limits per instance.',
    );
  }
  if (NO_SUCH_DATABASE.test(message)) {
    throw new StartupError(
      `LLMHub cannot use Redis at REDIS_URL (${shown(url)}): the server has no database ${databaseOf(url)} (${message}).\n` +
        'Correct the database number at the end of REDIS_URL (0 to 15 on a default Redis), or leave it out to use database 0.',
    );
  }
}

/** The database number REDIS_URL names (its path), for the message. */
function databaseOf(url: string): string {
  return new URL(url).pathname.replace(/^\//, '') || '0';
}

/** REDIS_URL as it may be printed: without its password. */
function shown(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '****';
  return parsed.toString();
}
