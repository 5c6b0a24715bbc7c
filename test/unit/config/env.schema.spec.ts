import { ConfigError, parseEnv } from '@src/config/env.schema';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    const sut = parseEnv({});
    expect(sut).toMatchObject({ port: 4000, dataDir: './data', retentionDays: 90, logLevel: 'info', databaseUrl: undefined, redisUrl: undefined });
    expect(sut.shutdownGraceMs).toBe(25_000);
    expect(sut.httpKeepAliveTimeoutMs).toBe(65_000);
    expect(sut.usageSynchronousCommit).toBe(true);
    expect(sut.providers).toMatchObject({ timeoutMs: 60_000, streamIdleTimeoutMs: 60_000 });
    expect(sut.providers.mock).toBe('auto');
    expect(sut.providers.openai).toEqual({ apiKey: undefined, baseUrl: undefined });
  });

  it('treats empty strings as unset (docker compose passes ${X:-})', () => {
    const sut = parseEnv({ OPENAI_API_KEY: '', OPENAI_BASE_URL: '', PORT: '', CORS_ORIGINS: '' });
    expect(sut.providers.openai.apiKey).toBeUndefined();
    expect(sut.port).toBe(4000);
    expect(sut.corsOrigins).toEqual([]);
  });

  it('names the variable and what it expected when a value is wrong', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual(['PORT: expected an integer from 0 to 65535, got "eighty"']);
    expect(problemsOf({ MOCK_PROVIDER: 'maybe' })[0]).toBe('MOCK_PROVIDER: expected one of auto, on, off, got "maybe"');
    expect(problemsOf({ USAGE_SYNCHRONOUS_COMMIT: 'false' })).toEqual(['USAGE_SYNCHRONOUS_COMMIT: expected one of on, off, got "false"']);
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(problemsOf({ REDIS_URL: 'localhost:6379' })[0]).toMatch(/^REDIS_URL: expected a redis:\/\//);
    expect(problemsOf({ RETENTION_DAYS: '0' })[0]).toMatch(/^RETENTION_DAYS: expected an integer from 1/);
    expect(problemsOf({ SHUTDOWN_GRACE_MS: '30s' })).toEqual(['SHUTDOWN_GRACE_MS: expected an integer from 0 to 3600000, got "30s"']);
    expect(problemsOf({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' })).toEqual(['HTTP_KEEP_ALIVE_TIMEOUT_MS: expected an integer from 1000 to 3600000, got "500"']);
    expect(problemsOf({ REDIS_COMMAND_TIMEOUT_MS: '0' })).toEqual(['REDIS_COMMAND_TIMEOUT_MS: expected an integer from 10 to 60000, got "0"']);
    expect(problemsOf({ PROVIDER_STREAM_IDLE_TIMEOUT_MS: '0' })).toEqual(['PROVIDER_STREAM_IDLE_TIMEOUT_MS: expected an integer from 100 to 3600000, got "0"']);
    expect(problemsOf({ ADMIN_TOKEN: 'short' })[0]).toBe('ADMIN_TOKEN: expected at least 16 characters');
    expect(problemsOf({ LLMHUB_SECRET: 'short' })[0]).toBe('LLMHUB_SECRET: expected at least 32 characters');
    expect(problemsOf({ PRICE_OVERRIDES: '{nope' })[0]).toMatch(/^PRICE_OVERRIDES: price overrides are not valid JSON/);
    expect(problemsOf({ PRICE_OVERRIDES: '{"openai/gpt-4o":{"input_per_m":"2.5"}}' })[0]).toMatch(/^PRICE_OVERRIDES: .*openai\/gpt-4o.*output_per_m/);
  });

  it('reads TRUST_PROXY as none, a number of proxies, or their addresses and ranges', () => {
    expect(parseEnv({}).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    const listed = ['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.10'];
    expect(parseEnv({ TRUST_PROXY: listed.join(', ') }).trustProxy).toEqual(listed);
    for (const wrong of ['true', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/8', 'loopback,,10.0.0.1']) {
      expect(problemsOf({ TRUST_PROXY: wrong })[0]).toMatch(/^TRUST_PROXY: expected a number of proxies, or addresses, CIDR ranges/);
    }
  });

  it('takes CORS_ORIGINS as origins exactly as browsers send them, and refuses one that could never match', () => {
    const listed = ['https://console.example.com', 'http://127.0.0.1:5173'];
    expect(parseEnv({ CORS_ORIGINS: listed.join(' , ') }).corsOrigins).toEqual(listed);
    // each of these used to be taken as is, and every call from that site then refused
    expect(problemsOf({ CORS_ORIGINS: 'https://app.example.com/' })).toEqual([
      'CORS_ORIGINS: "https://app.example.com/" is not an origin as browsers send it; write "https://app.example.com" (scheme, host and port only)',
    ]);
    expect(problemsOf({ CORS_ORIGINS: 'https://App.Example.com:443/console' })[0]).toMatch(/write "https:\/\/app\.example\.com"/);
    expect(problemsOf({ CORS_ORIGINS: 'app.example.com' })).toEqual([
      'CORS_ORIGINS: expected origins like https://app.example.com separated by commas, got "app.example.com"',
    ]);
    expect(problemsOf({ CORS_ORIGINS: '*' })[0]).toMatch(/^CORS_ORIGINS: "\*" is not accepted; list the origins/);
  });

  it("waits for the usage records' flush to disk unless told not to", () => {
    expect(parseEnv({ USAGE_SYNCHRONOUS_COMMIT: 'on' }).usageSynchronousCommit).toBe(true);
    expect(parseEnv({ USAGE_SYNCHRONOUS_COMMIT: 'off' }).usageSynchronousCommit).toBe(false);
  });

  it('reports every problem at once, not just the first', () => {
    expect(problemsOf({ PORT: '-1', LOG_LEVEL: 'loud', OPENAI_BASE_URL: 'ftp://x' })).toHaveLength(3);
  });

  it('strips a trailing slash from base URLs', () => {
    expect(parseEnv({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' }).providers.openai.baseUrl).toBe('http://127.0.0.1:9/v1');
  });

  it('parses custom OpenAI-compatible providers and rejects bad entries by index', () => {
    const sut = parseEnv({ CUSTOM_PROVIDERS: '[{"name":"ollama","base_url":"http://127.0.0.1:11434/v1","models":["llama3.2"]}]' });
    expect(sut.providers.custom).toEqual([{ name: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined, models: ['llama3.2'] }]);
    expect(problemsOf({ CUSTOM_PROVIDERS: '[{"name":"openai","base_url":"http://x/v1"}]' })[0]).toBe(
      'CUSTOM_PROVIDERS: [0].name: "openai" is a built-in provider',
    );
    expect(problemsOf({ CUSTOM_PROVIDERS: '[{"name":"ok","base_url":"nope"}]' })[0]).toMatch(/^CUSTOM_PROVIDERS: \[0\]\.base_url/);
    expect(problemsOf({ CUSTOM_PROVIDERS: 'ollama' })[0]).toMatch(/^CUSTOM_PROVIDERS: expected a JSON array/);
  });

  it('ignores nothing in CUSTOM_PROVIDERS: a misspelt field, a second entry of one name or a key that is not text stops the start', () => {
    // each used to be accepted: calls went out without the key, or to whichever entry won
    expect(problemsOf({ CUSTOM_PROVIDERS: '[{"name":"ollama","base_url":"http://x/v1","apikey":"sk-1"}]' })).toEqual([
      'CUSTOM_PROVIDERS: [0].apikey: unknown field (the fields are name, base_url, api_key, models)',
    ]);
    expect(problemsOf({ CUSTOM_PROVIDERS: '[{"name":"vllm","base_url":"http://x/v1"},{"name":"vllm","base_url":"http://y/v1"}]' })).toEqual([
      'CUSTOM_PROVIDERS: [1].name: "vllm" is given twice; each custom provider needs its own name',
    ]);
    const [keyProblem] = problemsOf({ CUSTOM_PROVIDERS: '[{"name":"vllm","base_url":"http://x/v1","api_key":123456789}]' });
    expect(keyProblem).toBe("CUSTOM_PROVIDERS: [0].api_key: expected the provider's key as a string, got a number");
    expect(problemsOf({ CUSTOM_PROVIDERS: '[{"name":"vllm","base_url":"http://x/v1","models":["llama",""]}]' })).toEqual([
      'CUSTOM_PROVIDERS: [0].models: expected an array of model names, got ["llama",""]',
    ]);
    expect(problemsOf({ CUSTOM_PROVIDERS: '["vllm"]' })).toEqual(['CUSTOM_PROVIDERS: [0]: expected an object {name, base_url, api_key?, models?}, got "vllm"']);
    // what .env.example shows, an empty api_key included, is fine
    expect(problemsOf({ CUSTOM_PROVIDERS: '[{"name":"ollama","base_url":"http://127.0.0.1:11434/v1","models":["llama3.2"],"api_key":""}]' })).toEqual([]);
  });

  it('refuses a PRICE_OVERRIDES entry whose provider the instance does not have, as its price would never apply', () => {
    const price = { input_per_m: '1', output_per_m: '2' };
    const overrides = (keys: string[]) => JSON.stringify(Object.fromEntries(keys.map((k) => [k, price])));
    expect(problemsOf({ PRICE_OVERRIDES: overrides(['opneai/gpt-4o', 'claude/claude-haiku-4-5', 'OpenAI/gpt-4o']) })).toEqual([
      'PRICE_OVERRIDES: "opneai/gpt-4o" names no provider of this instance (the providers are anthropic, openai, groq, mock)',
      'PRICE_OVERRIDES: "claude/claude-haiku-4-5" names no provider of this instance (write "anthropic/claude-haiku-4-5")',
      'PRICE_OVERRIDES: "OpenAI/gpt-4o" names no provider of this instance (write "openai/gpt-4o")',
    ]);
    const custom = '[{"name":"ollama","base_url":"http://127.0.0.1:11434/v1"}]';
    expect(problemsOf({ PRICE_OVERRIDES: overrides(['openai/gpt-4o', 'groq/qwen/qwen3-32b', 'ollama/llama3.2']), CUSTOM_PROVIDERS: custom })).toEqual([]);
    expect(problemsOf({ PRICE_OVERRIDES: overrides(['ollama/llama3.2']) })).toEqual([
      'PRICE_OVERRIDES: "ollama/llama3.2" names no provider of this instance (the providers are anthropic, openai, groq, mock)',
    ]);
  });

  it('refuses provider base URLs with credentials in them, naming the variable', () => {
    expect(problemsOf({ OPENAI_BASE_URL: 'https://me:sk-secret@proxy.example.com/v1' })).toEqual([
      expect.stringMatching(/^OPENAI_BASE_URL: must not contain credentials/),
    ]);
    expect(problemsOf({ CUSTOM_PROVIDERS: '[{"name":"vllm","base_url":"http://u:p@127.0.0.1:8000/v1"}]' })).toEqual([
      expect.stringMatching(/^CUSTOM_PROVIDERS: \[0\]\.base_url: must not contain credentials/),
    ]);
    expect(problemsOf({ DATABASE_URL: 'postgres://user:pw@127.0.0.1/db', REDIS_URL: 'redis://:pw@127.0.0.1:6379' })).toEqual([]);
  });
});
