import {
  configureLlmHub,
  createApiClient,
  createChatCompletion,
  createApiKey,
  createLlmHubClient,
  generateText,
  getCurrentClient,
  listModels,
} from '../../../sdk/src';
import { startTestApp, TestApp } from '@test/support/app';

/** The generated SDK (sdk/src) drives LLMHub from Node: admin calls with the token, client calls with a key. */
describe('the generated TypeScript SDK (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MOCK_PROVIDER: 'on' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a client and a key with the admin token, then generates with that key', async () => {
    const admin = createLlmHubClient({ baseUrl: t.url, adminToken: t.adminToken });
    const created = await createApiClient({ client: admin, body: { name: 'sdk-e2e' }, throwOnError: true });
    const key = await createApiKey({ client: admin, path: { id: created.data.id }, body: { name: 'sdk' }, throwOnError: true });

    const caller = createLlmHubClient({ baseUrl: `${t.url}/`, apiKey: key.data.key });
    const me = await getCurrentClient({ client: caller, throwOnError: true });
    expect(me.data).toMatchObject({ client_id: created.data.id, client_name: 'sdk-e2e', api_key_id: key.data.id });
    const generated = await generateText({ client: caller, body: { prompt: 'hello sdk', model: 'mock/echo' }, throwOnError: true });
    expect(generated.data.provider).toBe('mock');
    expect(generated.data.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.response.headers.get('x-request-id')).toBe(generated.data.request_id);
  });

  it("streams with parseAs: 'stream', as sdk/README.md says: the events come from response.body", async () => {
    const admin = createLlmHubClient({ baseUrl: t.url, adminToken: t.adminToken });
    const created = await createApiClient({ client: admin, body: { name: 'sdk-stream' }, throwOnError: true });
    const key = await createApiKey({ client: admin, path: { id: created.data.id }, body: {}, throwOnError: true });
    const caller = createLlmHubClient({ baseUrl: t.url, apiKey: key.data.key });
    const streamed = await createChatCompletion({
      client: caller,
      body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hello stream' }], stream: true },
      parseAs: 'stream',
      throwOnError: true,
    });
    expect(streamed.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await new Response(streamed.response.body).text();
    expect(events).toContain('"object":"chat.completion.chunk"');
    expect(events.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('returns the error envelope as a typed error, without throwing, when the key is wrong', async () => {
    const caller = createLlmHubClient({ baseUrl: t.url, apiKey: 'lh_wrong' });
    const result = await listModels({ client: caller });
    expect(result.response.status).toBe(401);
    expect(result.data).toBeUndefined();
    expect(result.error).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('says at once what is wrong with a baseUrl Node cannot use (it used to fail at the first call with "Failed to parse URL")', async () => {
    // as with `configureLlmHub({ baseUrl: process.env.LLMHUB_URL, … })` when LLMHUB_URL is not exported
    expect(() => configureLlmHub({ baseUrl: undefined, apiKey: 'lh_x' })).toThrow(/baseUrl is required outside a browser, e\.g\. .*http:\/\/localhost:4000/);
    expect(() => createLlmHubClient({ baseUrl: 'localhost:4000' })).toThrow(/must be an http:\/\/ or https:\/\/ URL, .*got "localhost:4000"/);
    expect(() => createLlmHubClient({ baseUrl: `${t.url}/v1` })).toThrow(`use "${t.url}"`);
    expect(() => createLlmHubClient({ baseUrl: `${t.url}/api/v1/` })).toThrow(`use "${t.url}"`);
    // the shared client is left as it was, and a right baseUrl works
    configureLlmHub({ baseUrl: `${t.url}/`, apiKey: 'lh_wrong' });
    const result = await listModels();
    expect(result.response.status).toBe(401);
  });
});
