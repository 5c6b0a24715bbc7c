import { isIP } from 'node:net';
import { parsePriceOverrides, PriceOverrides } from '../llm/pricing/pricing.service';
import { BUILTIN_PROVIDER_NAMES, BUILTIN_PROVIDERS, canonicalProviderName, EnvProviderId } from '../llm/providers/builtin-providers';

/**
 * The environment, parsed and validated once at start. A bad value stops the
 * process with a message naming the variable and what it expected.
 */

export type MockProviderMode = 'auto' | 'on' | 'off';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CustomProviderConfig {
  name: string;
  baseUrl: string;
  apiKey?: string;
  models: string[];
}

export interface BuiltinProviderEnv {
  apiKey?: string;
  baseUrl?: string;
}

export interface AppConfig {
  nodeEnv: string;
  host: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  embeddedDbPort: number;
  redisUrl?: string;
  /** how long a Redis command may take before the call goes on without Redis */
  redisCommandTimeoutMs: number;
  adminToken?: string;
  secret?: string;
  /** `<ID>_API_KEY` and `<ID>_BASE_URL` of each built-in provider that has them (their descriptors name them) */
  providers: Record<EnvProviderId, BuiltinProviderEnv> & {
    custom: CustomProviderConfig[];
    timeoutMs: number;
    /** the longest a stream may go without an event from the provider once its first event has arrived */
    streamIdleTimeoutMs: number;
    maxRetries: number;
    /** base of the exponential retry backoff (full jitter) */
    retryBaseMs: number;
    /** consecutive failures that open a provider's circuit, and how long it stays open */
    circuitFailureThreshold: number;
    circuitOpenMs: number;
    mock: MockProviderMode;
  };
  retentionDays: number;
  corsOrigins: string[];
  logLevel: LogLevel;
  /** raw JSON; the pricing service parses and validates it */
  priceOverrides?: string;
  /**
   * false: a call's usage record is answered once PostgreSQL has it committed in
   * memory, before its WAL is flushed to disk (USAGE_SYNCHRONOUS_COMMIT=off)
   */
  usageSynchronousCommit: boolean;
  /** on SIGTERM/SIGINT, how long in-flight requests may take to finish before they are aborted */
  shutdownGraceMs: number;
  /** how long the server keeps an idle client connection open (longer than a load balancer's own idle timeout) */
  httpKeepAliveTimeoutMs: number;
  /** which peers' X-Forwarded-For names the client (Express's `trust proxy`): none by default */
  trustProxy: TrustProxy;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
      if ((url.username || url.password) && (url.protocol === 'http:' || url.protocol === 'https:')) {
        // a provider's key belongs in its *_API_KEY variable, where it is never logged or shown
        this.problems.push(`${name}: must not contain credentials (user:password@); put the key in the provider's API key variable`);
        return undefined;
      }
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name}: expected a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL, got "${value}"`);
      return undefined;
    }
  }

  secret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name}: expected at least ${minLength} characters`);
      return undefined;
    }
    return value;
  }
}

function parseCustomProviders(reader: EnvReader): CustomProviderConfig[] {
  const raw = reader.raw('CUSTOM_PROVIDERS');
  if (raw === undefined) return [];
  const problem = (what: string) => reader.problems.push(`CUSTOM_PROVIDERS: ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problem('expected a JSON array like [{"name":"ollama","base_url":"http://127.0.0.1:11434/v1","models":["llama3.2"]}]');
    return [];
  }
  if (!Array.isArray(parsed)) {
    problem('expected a JSON array of {name, base_url, api_key?, models?}');
    return [];
  }
  const result: CustomProviderConfig[] = [];
  parsed.forEach((entry: unknown, i: number) => {
    const outcome = readCustomProvider(entry, result);
    if (typeof outcome === 'string') problem(`[${i}]${outcome}`);
    else result.push(outcome);
  });
  return result;
}

const CUSTOM_PROVIDER_FIELDS = ['name', 'base_url', 'api_key', 'models'];

/** One CUSTOM_PROVIDERS entry, or what is wrong with it (after its `[i]`). Nothing is ignored: a misspelt api_key would send calls without a key. */
function readCustomProvider(entry: unknown, earlier: readonly CustomProviderConfig[]): CustomProviderConfig | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return `: expected an object {name, base_url, api_key?, models?}, got ${JSON.stringify(entry)}`;
  }
  const item = entry as Record<string, unknown>;
  const unknown = Object.keys(item).find((field) => !CUSTOM_PROVIDER_FIELDS.includes(field));
  if (unknown !== undefined) return `.${unknown}: unknown field (the fields are ${CUSTOM_PROVIDER_FIELDS.join(', ')})`;
  const name = item.name;
  if (typeof name !== 'string' || !/^[a-z][a-z0-9_-]{0,31}$/.test(name)) {
    return `.name: expected a lowercase name (letters, digits, - and _), got ${JSON.stringify(name)}`;
  }
  if (BUILTIN_PROVIDER_NAMES.has(name)) return `.name: "${name}" is a built-in provider`;
  if (earlier.some((other) => other.name === name)) return `.name: "${name}" is given twice; each custom provider needs its own name`;
  const baseUrl = item.base_url;
  if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl) || !URL.canParse(baseUrl)) {
    return `.base_url: expected an http(s) URL ending in /v1, got ${JSON.stringify(baseUrl)}`;
  }
  if (new URL(baseUrl).username || new URL(baseUrl).password) {
    return '.base_url: must not contain credentials (user:password@); give the key as api_key';
  }
  const apiKey = item.api_key;
  // the value is not repeated: it is meant to be a secret
  if (apiKey !== undefined && typeof apiKey !== 'string') {
    return `.api_key: expected the provider's key as a string, got a ${Array.isArray(apiKey) ? 'list' : typeof apiKey}`;
  }
  const models = item.models ?? [];
  if (!Array.isArray(models) || models.some((m) => typeof m !== 'string' || m.trim() === '')) {
    return `.models: expected an array of model names, got ${JSON.stringify(models)}`;
  }
  return { name, baseUrl: baseUrl.replace(/\/+$/, ''), apiKey, models: models as string[] };
}

function builtinProviderEnv(reader: EnvReader): Record<EnvProviderId, BuiltinProviderEnv> {
  const entries = BUILTIN_PROVIDERS.flatMap((d) =>
    'env' in d ? [[d.id, { apiKey: reader.raw(d.env.apiKey), baseUrl: reader.url(d.env.baseUrl, ['http:', 'https:']) }] as const] : [],
  );
  return Object.fromEntries(entries) as Record<EnvProviderId, BuiltinProviderEnv>;
}

/** `false` (the peer is the client), a number of proxy hops in front, or the proxies' addresses and ranges. */
export type TrustProxy = false | number | string[];

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An IPv4 or IPv6 address, optionally with a /prefix of the right length. */
function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: unset (or `false`), a number of proxies in front (`1`), or a comma-separated list of
 * the proxies' addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 */
function parseTrustProxy(r: EnvReader): TrustProxy {
  const value = r.raw('TRUST_PROXY')?.trim();
  if (value === undefined || value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) return r.int('TRUST_PROXY', 0, 0, 100);
  const entries = value.split(',').map((e) => e.trim());
  const wrong = entries.find((e) => !TRUST_PROXY_NAMES.includes(e) && !isAddressOrRange(e));
  if (wrong !== undefined) {
    const expected = 'a number of proxies, or addresses, CIDR ranges and loopback/linklocal/uniquelocal separated by commas';
    r.problems.push(`TRUST_PROXY: expected ${expected}; "${wrong}" is none of them`);
    return false;
  }
  return entries;
}

/**
 * CORS_ORIGINS: origins as a browser sends them in `Origin` (scheme, host and
 * port, nothing more), compared exactly. A path, a trailing slash or capitals
 * would never match and silently refuse every call from that site.
 */
function parseCorsOrigins(r: EnvReader): string[] {
  const entries = (r.raw('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (entry === '*') {
      r.problems.push('CORS_ORIGINS: "*" is not accepted; list the origins allowed (calls from a browser carry its credentials)');
      continue;
    }
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      r.problems.push(`CORS_ORIGINS: expected origins like https://app.example.com separated by commas, got "${entry}"`);
    } else if (url.origin !== entry) {
      r.problems.push(`CORS_ORIGINS: "${entry}" is not an origin as browsers send it; write "${url.origin}" (scheme, host and port only)`);
    }
  }
  return entries;
}

/**
 * A price is looked up by the provider's own id, so one under an alias (`claude/…`), in capitals or for a
 * provider this instance does not have would never apply: every call of that model would go unpriced unsaid.
 */
function unknownPriceProviders(overrides: PriceOverrides, custom: readonly CustomProviderConfig[]): string[] {
  const ids = [...BUILTIN_PROVIDERS.map((d) => d.id), ...custom.map((c) => c.name)];
  return Object.keys(overrides).flatMap((key) => {
    const provider = key.slice(0, key.indexOf('/'));
    if (ids.includes(provider)) return [];
    const canonical = canonicalProviderName(provider);
    const fix = ids.includes(canonical) ? `write "${canonical}${key.slice(provider.length)}"` : `the providers are ${ids.join(', ')}`;
    return [`PRICE_OVERRIDES: "${key}" names no provider of this instance (${fix})`];
  });
}

export function parseEnv(env: Env): AppConfig {
  const r = new EnvReader(env);
  const config: AppConfig = {
    nodeEnv: r.string('NODE_ENV', 'development'),
    host: r.string('HOST', '0.0.0.0'),
    port: r.int('PORT', 4000, 0, 65535),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: r.string('DATA_DIR', './data'),
    embeddedDbPort: r.int('EMBEDDED_DB_PORT', 54329, 1, 65535),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    redisCommandTimeoutMs: r.int('REDIS_COMMAND_TIMEOUT_MS', 500, 10, 60_000),
    adminToken: r.secret('ADMIN_TOKEN', 16),
    secret: r.secret('LLMHUB_SECRET', 32),
    providers: {
      ...builtinProviderEnv(r),
      custom: parseCustomProviders(r),
      timeoutMs: r.int('PROVIDER_TIMEOUT_MS', 60_000, 100, 3_600_000),
      streamIdleTimeoutMs: r.int('PROVIDER_STREAM_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
      maxRetries: r.int('PROVIDER_MAX_RETRIES', 2, 0, 10),
      retryBaseMs: r.int('PROVIDER_RETRY_BASE_MS', 250, 0, 60_000),
      circuitFailureThreshold: r.int('PROVIDER_CIRCUIT_FAILURES', 5, 1, 1_000_000),
      circuitOpenMs: r.int('PROVIDER_CIRCUIT_OPEN_MS', 30_000, 100, 3_600_000),
      mock: r.oneOf('MOCK_PROVIDER', ['auto', 'on', 'off'] as const, 'auto'),
    },
    retentionDays: r.int('RETENTION_DAYS', 90, 1, 36_500),
    corsOrigins: parseCorsOrigins(r),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    priceOverrides: r.raw('PRICE_OVERRIDES'),
    usageSynchronousCommit: r.oneOf('USAGE_SYNCHRONOUS_COMMIT', ['on', 'off'] as const, 'on') === 'on',
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 25_000, 0, 3_600_000),
    httpKeepAliveTimeoutMs: r.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 1_000, 3_600_000),
    trustProxy: parseTrustProxy(r),
  };
  if (config.priceOverrides !== undefined) {
    try {
      r.problems.push(...unknownPriceProviders(parsePriceOverrides(config.priceOverrides), config.providers.custom));
    } catch (error) {
      r.problems.push(`PRICE_OVERRIDES: ${(error as Error).message}; expected JSON like {"openai/gpt-4o":{"input_per_m":"2.5","output_per_m":"10"}}`);
    }
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
