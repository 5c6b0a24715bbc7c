/// <reference lib="dom" />
// (the generated fetch client names DOM fetch types such as BodyInit; Node 20 has them at runtime)
/**
 * The LLMHub TypeScript SDK: every operation of the REST API as a typed
 * function named after its operationId (generated into ./generated from
 * sdk/openapi.json by `npm run openapi`), plus one way to point it at a server.
 *
 *   import { configureLlmHub, generateText } from '<repo>/sdk/src/index.js';
 *   configureLlmHub({ baseUrl: 'http://localhost:4000', apiKey: process.env.LLMHUB_API_KEY });
 *   const { data, error } = await generateText({ body: { model: 'mock/echo', prompt: 'Hello' } });
 *
 * (`index.js`, not the folder: Node's ES modules and TypeScript's node16/nodenext resolution do not
 * import a folder; see sdk/README.md.)
 *
 * Works in Node 20 (global fetch) and in the browser. In the console, call
 * configureLlmHub({}) (same origin, session cookie sent with every request).
 */
import { client } from './generated/client.gen.js';
import { type Client, createClient, createConfig } from './generated/client/index.js';
import type { ClientOptions } from './generated/types.gen.js';

export * from './generated/index.js';
export { client };
export type { Client, Config, RequestResult } from './generated/client/index.js';

export interface LlmHubClientOptions {
  /**
   * LLMHub's root URL, e.g. `http://localhost:4000` (without `/v1`). Empty (the default) means the page's
   * own origin, in the browser only: elsewhere it is required, and a wrong one throws a TypeError at once.
   */
  baseUrl?: string;
  /** A client API key, sent as `X-API-Key` (client routes: /api/v1/*, /v1/*). */
  apiKey?: string;
  /** The admin token, sent as `Authorization: Bearer` (admin routes: /api/admin/*). Not needed with the console's session cookie. */
  adminToken?: string;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** A fetch implementation; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * The root URL the calls go to. Empty means the page's own origin, which only a browser has: in Node
 * a missing or schemeless baseUrl would fail at the first call with "Failed to parse URL from
 * /api/v1/…", and one ending in /v1 (as the OpenAI SDK's does) with a 404 on every route.
 */
function checkedBaseUrl(baseUrl: string | undefined): string {
  const url = (baseUrl ?? '').trim().replace(/\/+$/, '');
  const inBrowser = typeof (globalThis as { location?: unknown }).location !== 'undefined';
  const example = "configureLlmHub({ baseUrl: 'http://localhost:4000', apiKey })";
  if (url === '') {
    if (inBrowser) return url;
    throw new TypeError(`LLMHub SDK: baseUrl is required outside a browser, e.g. ${example} (got ${JSON.stringify(baseUrl)})`);
  }
  if (!/^https?:\/\//i.test(url) && !(inBrowser && url.startsWith('/')))
    throw new TypeError(`LLMHub SDK: baseUrl must be an http:// or https:// URL, e.g. ${example} (got ${JSON.stringify(baseUrl)})`);
  if (/\/(v1|api|api\/v1)$/i.test(url))
    throw new TypeError(
      `LLMHub SDK: baseUrl is LLMHub's root URL, without /v1 or /api (got ${JSON.stringify(baseUrl)}; use ${JSON.stringify(url.replace(/\/(api\/v1|v1|api)$/i, ''))})`,
    );
  return url;
}

function toConfig(options: LlmHubClientOptions) {
  // null removes a credential set by an earlier configureLlmHub call
  const headers: Record<string, string | null> = {
    'X-API-Key': options.apiKey || null,
    Authorization: options.adminToken ? `Bearer ${options.adminToken}` : null,
    ...options.headers,
  };
  return createConfig<ClientOptions>({
    baseUrl: checkedBaseUrl(options.baseUrl),
    // the console's admin session is an HttpOnly cookie: send it with every call
    credentials: 'include',
    headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** Configures the shared client that every SDK function uses by default, and returns it. */
export function configureLlmHub(options: LlmHubClientOptions = {}): Client {
  client.setConfig(toConfig(options));
  return client;
}

/**
 * A separate client (e.g. one per API key); pass it to a call as `{ client }`:
 * `await listModels({ client: createLlmHubClient({ baseUrl, apiKey }) })`.
 */
export function createLlmHubClient(options: LlmHubClientOptions = {}): Client {
  return createClient(toConfig(options));
}
