import OpenAI from 'openai';
import { getApiClient, listApiClients } from '../../../sdk/src';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/**
 * The client list shows each client's spend in its own budget period (a day in Tokyo, a month
 * in UTC, …): the same figures the single-client read gives, read for a whole page at once.
 */
describe('client list spend (e2e)', () => {
  let g: GatewayFixture;

  beforeAll(async () => {
    g = await startGatewayFixture({ clientName: 'list-spend' });
  });
  afterAll(async () => {
    await g.close();
  });

  it("gives every client on a page its own period's spend, as reading it alone does", async () => {
    const clients = [
      await g.newClient({ monthly_budget_usd: '10', budget_period: 'day', budget_timezone: 'Asia/Tokyo' }),
      await g.newClient({ monthly_budget_usd: '10', budget_period: 'month', budget_timezone: 'UTC' }),
      await g.newClient({ monthly_budget_usd: '10', budget_period: 'week', budget_timezone: 'America/New_York' }),
      await g.newClient({ monthly_budget_usd: '10' }),
    ];
    // the last client makes no call: it has spent nothing
    for (const [i, c] of clients.slice(0, 3).entries()) {
      const openai = new OpenAI({ baseURL: `${g.app.url}/v1`, apiKey: c.key, maxRetries: 0 });
      for (let call = 0; call <= i; call++) {
        await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `call ${call}` }], max_tokens: 16 });
      }
    }

    const page = await listApiClients({ client: g.admin, query: { limit: 200 }, throwOnError: true });
    for (const c of clients) {
      const listed = page.data.items.find((item) => item.id === c.id)!;
      const alone = await getApiClient({ client: g.admin, path: { id: c.id }, throwOnError: true });
      expect(listed.month_to_date_spend_usd).toBe(alone.data.month_to_date_spend_usd);
      expect(listed.period_start).toBe(alone.data.period_start);
      expect(listed.remaining_budget_usd).toBe(alone.data.remaining_budget_usd);
    }
    const spent = clients.map((c) => Number(page.data.items.find((item) => item.id === c.id)!.month_to_date_spend_usd));
    expect(spent[0]).toBeGreaterThan(0);
    expect(spent[1]).toBeGreaterThan(spent[0]);
    expect(spent[2]).toBeGreaterThan(spent[1]);
    expect(spent[3]).toBe(0);
  });
});
