import {
  countMessageTokens,
  getAdminUsage,
  getDashboard,
  getGenerationLog,
  getTopSpenders,
  listGenerationLogs,
  updatePrices,
  createApiClient,
  createApiKey,
  createChatCompletion,
  createEmbeddings,
  createImages,
  createLlmHubClient,
  createMessage,
  createPrompt,
  createPromptVersion,
  createResponse,
  deletePrompt,
  deleteResponse,
  generateContent,
  generateImages,
  generateText,
  getClientBillingSummary,
  getClientUsage,
  getCurrentClient,
  getLiveness,
  getModel,
  getPrompt,
  getReadiness,
  getResponse,
  listModels,
  listPrompts,
  renderPrompt,
  submitGenerationFeedback,
  updatePrompt,
} from '../../../sdk/src';
import { startTestApp, TestApp } from '@test/support/app';
import { DocumentedResponses } from './documented-responses';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * The client routes (/api/v1, /v1, /health) driven through the SDK answer what the document says:
 * a documented status, a body that fits its schema, documented headers.
 */
describe('client responses against the OpenAPI document (e2e)', () => {
  let t: TestApp;
  const documented = new DocumentedResponses();

  beforeAll(async () => {
    t = await startTestApp({ MOCK_PROVIDER: 'on' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('every client operation answers as its documentation says, successes and errors', async () => {
    const admin = createLlmHubClient({ baseUrl: t.url, adminToken: t.adminToken });
    const created = await createApiClient({ client: admin, body: { name: 'documented-caller', monthly_budget_usd: '10' }, throwOnError: true });
    const key = await createApiKey({ client: admin, path: { id: created.data.id }, body: { rate_limit_rpm: 1000 }, throwOnError: true });
    const caller = createLlmHubClient({ baseUrl: t.url, apiKey: key.data.key });
    const stranger = createLlmHubClient({ baseUrl: t.url, apiKey: 'lh_unknown' });
    documented.attach(caller);
    documented.attach(stranger);
    const as = { client: caller };

    await getLiveness(as);
    await getReadiness(as);
    await getCurrentClient(as);
    await getCurrentClient({ client: stranger }); // 401

    // LLMHub's own generation routes
    const generated = await generateText({ ...as, body: { model: 'mock/echo', prompt: 'documented', metadata: { run: 1 } } });
    await generateText({
      ...as,
      body: {
        model: 'mock/echo',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hi' },
        ],
      },
    });
    await generateText({ ...as, body: { model: 'nope/nothing', prompt: 'x' } });
    await generateText({ ...as, body: {} }); // 422
    await generateContent({ ...as, body: { model: 'mock/echo', prompt: 'documented', languages: ['en', 'fr'] } });
    await generateImages({ ...as, body: { model: 'mock/image', prompt: 'a cat' } });
    await submitGenerationFeedback({ ...as, path: { request_id: generated.data!.request_id }, body: { success: true, score: 5, comment: 'good' } });
    await submitGenerationFeedback({ ...as, path: { request_id: UNKNOWN_ID }, body: { success: false } }); // 404

    // the caller's prompts
    await createPrompt({
      ...as,
      body: { name: 'documented-prompt', body: 'Hello {{ who }}', variables: [{ name: 'who', default: 'you' }], params: { max_tokens: 50 } },
    });
    await createPrompt({ ...as, body: { name: 'documented-prompt', body: 'again' } }); // 409
    await createPromptVersion({ ...as, path: { name: 'documented-prompt' }, body: { body: 'Hi {{ who }}', labels: ['beta'] } });
    await updatePrompt({ ...as, path: { name: 'documented-prompt' }, body: { ab_weights: { '1': 1, '2': 1 } } });
    await listPrompts(as);
    await getPrompt({ ...as, path: { name: 'documented-prompt' } });
    await getPrompt({ ...as, path: { name: 'nothing-here' } }); // 404
    await renderPrompt({ ...as, path: { name: 'documented-prompt' }, body: { label: 'beta' } });
    await generateText({ ...as, body: { model: 'mock/echo', template: { name: 'documented-prompt', label: 'beta' }, variables: { who: 'me' } } });
    await deletePrompt({ ...as, path: { name: 'documented-prompt' } });

    // the OpenAI- and Anthropic-compatible routes
    await listModels(as);
    await getModel({ ...as, path: { model: 'mock/echo' } });
    await getModel({ ...as, path: { model: 'mock/nothing' } }); // 404
    await createChatCompletion({ ...as, body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
    await createChatCompletion({ ...as, body: { model: 'mock/echo', messages: [] } }); // 400
    await createEmbeddings({ ...as, body: { model: 'mock/embed', input: ['a', 'b'] } });
    await createImages({ ...as, body: { model: 'mock/image', prompt: 'a dog' } });
    await createMessage({ ...as, body: { model: 'mock/echo', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] } });
    await createMessage({ ...as, body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } as never }); // 400: max_tokens
    await countMessageTokens({ ...as, body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
    const response = await createResponse({ ...as, body: { model: 'mock/echo', input: 'hi', store: true } });
    if (response.data) {
      await getResponse({ ...as, path: { id: response.data.id } });
      await deleteResponse({ ...as, path: { id: response.data.id } });
      await getResponse({ ...as, path: { id: response.data.id } }); // 404
    }

    // streams
    await createChatCompletion({ ...as, body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], stream: true }, parseAs: 'text' });
    await createMessage({ ...as, body: { model: 'mock/echo', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], stream: true }, parseAs: 'text' });
    await createResponse({ ...as, body: { model: 'mock/echo', input: 'hi', stream: true }, parseAs: 'text' });

    // limits: one request a minute, then a budget spent
    const limitedKey = await createApiKey({ client: admin, path: { id: created.data.id }, body: { rate_limit_rpm: 1 }, throwOnError: true });
    const limited = createLlmHubClient({ baseUrl: t.url, apiKey: limitedKey.data.key });
    documented.attach(limited);
    await generateText({ client: limited, body: { model: 'mock/echo', prompt: 'one' } });
    await generateText({ client: limited, body: { model: 'mock/echo', prompt: 'two' } }); // 429
    await createChatCompletion({ client: limited, body: { model: 'mock/echo', messages: [{ role: 'user', content: 'three' }] } }); // 429
    await createMessage({ client: limited, body: { model: 'mock/echo', max_tokens: 5, messages: [{ role: 'user', content: 'four' }] } }); // 429
    const poor = await createApiClient({ client: admin, body: { name: 'documented-poor', monthly_budget_usd: '0.000001' }, throwOnError: true });
    await updatePrices({ client: admin, body: { prices: { 'mock/echo': { input_per_m: '1000', output_per_m: '1000' } } }, throwOnError: true });
    const poorKey = await createApiKey({ client: admin, path: { id: poor.data.id }, body: {}, throwOnError: true });
    const spender = createLlmHubClient({ baseUrl: t.url, apiKey: poorKey.data.key });
    documented.attach(spender);
    for (let i = 0; i < 3; i++) await generateText({ client: spender, body: { model: 'mock/echo', prompt: 'spend it all' } });
    await createChatCompletion({ client: spender, body: { model: 'mock/echo', messages: [{ role: 'user', content: 'over budget' }] } });
    await createMessage({ client: spender, body: { model: 'mock/echo', max_tokens: 5, messages: [{ role: 'user', content: 'over budget' }] } });
    await getClientBillingSummary({ client: spender });

    // the caller's billing
    await getClientBillingSummary(as);
    await getClientUsage({ ...as, query: { group_by: 'model' } });
    await getClientUsage({ ...as, query: { granularity: 'fortnight' as never } }); // 422

    // the records of all these calls (streamed, templated, limited, over budget), as the admin API reads them
    const auditor = createLlmHubClient({ baseUrl: t.url, adminToken: t.adminToken });
    documented.attach(auditor);
    const logs = await listGenerationLogs({ client: auditor, query: { limit: 500 } });
    expect(new Set(logs.data!.items.map((log) => log.status))).toEqual(new Set(['success', 'rejected', 'rate_limited', 'budget_exceeded']));
    for (const log of logs.data!.items.filter((l) => l.is_stream || l.status !== 'success')) {
      await getGenerationLog({ client: auditor, path: { request_id: log.request_id } });
    }
    await getDashboard({ client: auditor });
    await getAdminUsage({ client: auditor, query: { group_by: 'template' } });
    await getTopSpenders({ client: auditor });

    expect(documented.mismatches).toEqual([]);
    const exercised = new Set([...documented.seen].map((seen) => seen.split(' ')[0]));
    expect(documented.operations((path) => !path.startsWith('/api/admin/')).filter((operation) => !exercised.has(operation))).toEqual([]);
  });
});
