import {
  createApiClient,
  createApiKey,
  createAdminSession,
  createLlmHubClient,
  createSystemTemplate,
  createTemplateVersion,
  deleteAdminSession,
  deleteApiClient,
  deleteTemplate,
  exportUsageCsv,
  generateText,
  getAdminUsage,
  getApiClient,
  getDashboard,
  getGenerationLog,
  getPrices,
  getTemplate,
  getTemplateStats,
  getTopSpenders,
  listApiClients,
  listApiKeys,
  listGenerationLogs,
  listProviders,
  listTemplates,
  renderTemplate,
  revokeApiKey,
  rotateApiKey,
  runTemplatePlayground,
  testProvider,
  updateApiClient,
  updatePrices,
  updateProvider,
  updateTemplate,
} from '../../../sdk/src';
import { startTestApp, TestApp } from '@test/support/app';
import { DocumentedResponses } from './documented-responses';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * What the SDK's types promise is what the server answers: every admin operation, driven through the
 * SDK, answers with a status its operation documents, a body that fits that status's schema (no
 * undocumented field, no null where none is documented) and documented headers.
 */
describe('admin responses against the OpenAPI document (e2e)', () => {
  let t: TestApp;
  const documented = new DocumentedResponses();

  beforeAll(async () => {
    t = await startTestApp({ MOCK_PROVIDER: 'on' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('every admin operation answers as its documentation says, successes and errors', async () => {
    const admin = createLlmHubClient({ baseUrl: t.url, adminToken: t.adminToken });
    const anonymous = createLlmHubClient({ baseUrl: t.url });
    documented.attach(admin);
    documented.attach(anonymous);
    const as = { client: admin };

    // clients and keys
    const created = await createApiClient({
      ...as,
      body: {
        name: 'documented',
        description: 'every field set',
        monthly_budget_usd: '25.5',
        budget_alert_threshold: '0.8',
        budget_period: 'week',
        budget_timezone: 'Europe/Berlin',
        rate_limit_tpm: 100000,
        allowed_models: ['mock/*'],
        fallback_models: ['mock/echo'],
        metadata: { team: 'sdk' },
      },
    });
    await createApiClient({ ...as, body: { name: 'documented-spent', monthly_budget_usd: '0.000001' } });
    const clientId = created.data!.id;
    await createApiClient({ ...as, body: { name: 'documented' } }); // 409
    await createApiClient({ ...as, body: { name: '' } }); // 422
    await listApiClients({ ...as, query: { limit: 1 } });
    await getApiClient({ ...as, path: { id: clientId } });
    await getApiClient({ ...as, path: { id: UNKNOWN_ID } }); // 404
    await getApiClient({ ...as, path: { id: 'not-a-uuid' } }); // 422
    await updateApiClient({ ...as, path: { id: clientId }, body: { rate_limit_rpm: 600, allowed_providers: ['mock'] } });
    const key = await createApiKey({ ...as, path: { id: clientId }, body: { name: 'documented' } });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const narrowed = await createApiKey({
      ...as,
      path: { id: clientId },
      body: { name: 'narrowed', expires_at: tomorrow, rate_limit_rpm: 1, rate_limit_tpm: 10_000, allowed_models: ['mock/echo'] },
    });
    await createApiKey({ ...as, path: { id: UNKNOWN_ID }, body: {} }); // 404
    await listApiKeys({ ...as, path: { id: clientId } });
    const rotated = await rotateApiKey({ ...as, path: { id: key.data!.id }, body: { grace_period_seconds: 60 } });
    await rotateApiKey({ ...as, path: { id: UNKNOWN_ID }, body: {} }); // 404
    await listApiKeys({ ...as, path: { id: clientId } }); // a rotated key beside its successor

    // a call to log, bill and inspect
    const caller = createLlmHubClient({ baseUrl: t.url, apiKey: rotated.data!.key });
    const generated = await generateText({ client: caller, body: { model: 'mock/echo', prompt: 'documented', metadata: { run: 1 } }, throwOnError: true });
    await generateText({ client: caller, body: { model: 'openai/gpt-4o', prompt: 'outside the allow-list' } });
    const limited = createLlmHubClient({ baseUrl: t.url, apiKey: narrowed.data!.key });
    await generateText({ client: limited, body: { model: 'mock/echo', prompt: 'first' } });
    await generateText({ client: limited, body: { model: 'mock/echo', prompt: 'second, over 1 rpm' } });

    const firstPage = await listGenerationLogs({ ...as, query: { limit: 1 } });
    await listGenerationLogs({ ...as, query: { limit: 1, cursor: firstPage.data!.next_cursor! } });
    await listGenerationLogs({ ...as, query: { cursor: 'not-a-cursor' } }); // 422
    const failures = await listGenerationLogs({ ...as, query: { status: 'rejected' } });
    for (const failure of failures.data!.items) await getGenerationLog({ ...as, path: { request_id: failure.request_id } });
    await listGenerationLogs({ ...as, query: { status: 'success', client_id: clientId } });
    await getGenerationLog({ ...as, path: { request_id: generated.data.request_id } });
    await getGenerationLog({ ...as, path: { request_id: UNKNOWN_ID } }); // 404
    await getAdminUsage({ ...as, query: { group_by: 'model' } });
    await getAdminUsage({ ...as, query: { granularity: 'hour' } });
    await getAdminUsage({ ...as, query: { from: 'yesterday' } }); // 422
    await getAdminUsage({ ...as, query: { group_by: 'client', granularity: 'month' } });
    await getAdminUsage({ ...as, query: { group_by: 'template' } });
    await getTopSpenders(as);
    await exportUsageCsv(as);
    await exportUsageCsv({ ...as, query: { group_by: 'provider' } });
    await getDashboard(as);

    // templates, versions, A/B weights
    const template = await createSystemTemplate({
      ...as,
      body: { name: 'documented-template', body: 'Hello {{ who }}', variables: [{ name: 'who', required: true }] },
    });
    const templateId = template.data!.id;
    await createSystemTemplate({ ...as, body: { name: 'documented-template', body: 'again' } }); // 409
    await createTemplateVersion({ ...as, path: { id: templateId }, body: { body: 'Hi {{ who }}', note: 'shorter' } });
    await updateTemplate({ ...as, path: { id: templateId }, body: { ab_weights: { '1': 50, '2': 50 } } });
    await updateTemplate({ ...as, path: { id: templateId }, body: { labels: { production: 2 } } }); // 409 while A/B weights are set
    await listTemplates({ ...as, query: { limit: 5 } });
    await listTemplates({ ...as, query: { system: true } });
    await getTemplate({ ...as, path: { id: templateId } });
    await getTemplate({ ...as, path: { id: UNKNOWN_ID } }); // 404
    await renderTemplate({ ...as, path: { id: templateId }, body: { variables: { who: 'world' }, subject: 'user-1' } });
    await renderTemplate({ ...as, path: { id: templateId }, body: { variables: {} } }); // 422: who is required
    await runTemplatePlayground({ ...as, path: { id: templateId }, body: { variables: { who: 'world' }, model: 'mock/echo' } });
    await generateText({ client: caller, body: { model: 'mock/echo', template: 'documented-template', variables: { who: 'stats' }, subject: 's' } });
    await getTemplateStats({ ...as, path: { id: templateId } });
    await updateTemplate({ ...as, path: { id: templateId }, body: { ab_weights: null } });

    // providers and prices
    await listProviders(as);
    await updateProvider({ ...as, path: { name: 'openai' }, body: { timeout_ms: 5000, api_key: 'sk-documented-1234', base_url: 'http://127.0.0.1:9/v1' } });
    await listProviders(as);
    await testProvider({ ...as, path: { name: 'openai' } }); // cannot connect: answered in the body
    await updateProvider({ ...as, path: { name: 'openai' }, body: { api_key: '', base_url: null, timeout_ms: null } });
    await updateProvider({ ...as, path: { name: 'nope' }, body: { enabled: true } }); // 404
    await testProvider({ ...as, path: { name: 'mock' } });
    await testProvider({ ...as, path: { name: 'openai' } }); // not configured: answered in the body
    await getPrices(as);
    await updatePrices({ ...as, body: { prices: { 'mock/echo': { input_per_m: '0.5', output_per_m: 1 } } } });
    await updatePrices({ ...as, body: { prices: { 'mock/echo': { input_per_m: 'cheap' } } } }); // 422
    await getPrices(as);
    await updatePrices({ ...as, body: { prices: { 'mock/echo': null } } });

    // session, credentials, deletions
    await listApiClients({ client: anonymous }); // 401
    await createAdminSession({ client: anonymous, body: { token: 'wrong-token' } }); // 401
    const session = await createAdminSession({ client: anonymous, body: { token: t.adminToken } });
    const cookie = session.response.headers.getSetCookie()[0].split(';')[0];
    const otherOrigin = createLlmHubClient({ baseUrl: t.url, headers: { Cookie: cookie, Origin: 'http://console.example' } });
    documented.attach(otherOrigin);
    await listApiClients({ client: otherOrigin }); // reading is allowed
    await createApiClient({ client: otherOrigin, body: { name: 'from-another-page' } }); // 403
    await deleteAdminSession({ client: anonymous });
    await revokeApiKey({ ...as, path: { id: rotated.data!.id } });
    await revokeApiKey({ ...as, path: { id: UNKNOWN_ID } }); // 404
    await deleteTemplate({ ...as, path: { id: templateId } });
    await deleteApiClient({ ...as, path: { id: clientId } });
    await deleteApiClient({ ...as, path: { id: clientId } }); // 404

    expect(documented.mismatches).toEqual([]);
    const exercised = new Set([...documented.seen].map((seen) => seen.split(' ')[0]));
    expect(documented.operations((path) => path.startsWith('/api/admin/')).filter((operation) => !exercised.has(operation))).toEqual([]);
  });
});
