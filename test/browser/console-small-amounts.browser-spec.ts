import { Browser, Locator, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, navigate, signedInPage } from '../support/browser';

const run = browserAvailable() ? describe : describe.skip;

/** Each tick label of a chart's y axis, with whether it is drawn whole inside the chart (not cut at its left edge). */
async function yTicksInside(chart: Locator): Promise<{ text: string; inside: boolean }[]> {
  const svg = await chart.locator('svg.recharts-surface:has(.recharts-yAxis)').boundingBox();
  if (!svg) throw new Error('the chart has no drawing');
  const ticks = chart.locator('.recharts-yAxis-tick-labels text');
  await ticks.first().waitFor();
  const out: { text: string; inside: boolean }[] = [];
  for (const tick of await ticks.all()) {
    const box = await tick.boundingBox();
    out.push({ text: (await tick.textContent()) ?? '', inside: box !== null && box.x >= svg.x - 0.5 });
  }
  return out;
}

/**
 * A first hour with the mock provider spends fractions of a cent: the figures the console shows
 * then have many decimals, and must still be read whole (a client's usage chart cut its axis to
 * ",0000036") and in plain English ("1 calls had no known price").
 */
run('the console with tiny amounts, in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let clientId = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    // one token costs a millionth of a dollar: a short call costs a few millionths
    t = await startTestApp({ PRICE_OVERRIDES: JSON.stringify({ 'mock/echo': { input_per_m: '1', output_per_m: '1' } }) });
    clientId = (await adminRequest<{ id: string }>(t, 'POST', '/clients', { name: 'first-app' })).id;
    const { key } = await adminRequest<{ key: string }>(t, 'POST', `/clients/${clientId}/keys`, {});
    // mock/echo is priced; mock/unpriced is passed to the mock provider and has no price
    for (const model of ['mock/echo', 'mock/echo', 'mock/unpriced']) {
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Write a tagline for our spring sale' }] }),
      });
      expect(res.status).toBe(200);
    }
    // a client whose budget no call fits: its one call is refused (402) before any provider runs
    const tight = (await adminRequest<{ id: string }>(t, 'POST', '/clients', { name: 'tight-budget', monthly_budget_usd: '0.000001' })).id;
    const tightKey = (await adminRequest<{ key: string }>(t, 'POST', `/clients/${tight}/keys`, {})).key;
    const refused = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tightKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'Write a tagline for our spring sale' }] }),
    });
    expect(refused.status).toBe(402);
    browser = await launchBrowser();
    page = await signedInPage(browser, t, 10_000, { locale: 'en-US' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows a month-end forecast under a cent as the API gives it, not as "$0.00"', async () => {
    type Dashboard = { month_end_forecast_usd: string };
    // what an operator should read: cents for a cent or more, every digit below (written here, not by the console's formatter)
    const expected = (usd: string): string => {
      const digits = Number(usd) >= 0.01 ? 2 : Math.max(2, (usd.split('.')[1] ?? '').length);
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits }).format(
        usd as Intl.StringNumericLiteral,
      );
    };
    // the forecast moves with the clock, so the page's figure is bracketed by a read before and one after
    const before = await adminRequest<Dashboard>(t, 'GET', '/dashboard');
    await navigate(page, 'Dashboard');
    const forecast = page.locator('.stat').filter({ hasText: 'Month-end forecast' }).locator('.stat-value');
    await forecast.filter({ hasText: /\$\d/ }).waitFor();
    const shown = await forecast.textContent();
    const after = await adminRequest<Dashboard>(t, 'GET', '/dashboard');
    expect(Number(before.month_end_forecast_usd)).toBeGreaterThan(0);
    expect(shown).not.toBe('$0.00');
    expect([expected(before.month_end_forecast_usd), expected(after.month_end_forecast_usd)]).toContain(shown);
  });

  it('does not say every client is within its budget while one is refused for budget', async () => {
    await navigate(page, 'Dashboard');
    const panel = page.getByRole('region', { name: 'Clients near or over budget' });
    // tight-budget has spent nothing of its budget, yet its call was refused: the panel says what it counts, and where refusals are
    await panel.getByText('No client has reached its budget or its alert threshold').waitFor();
    await panel.getByText(/Billing.s Refused column counts those/).waitFor();
    expect(await page.getByText('Every client is within its budget').count()).toBe(0);
  });

  it('counts the calls refused for budget in Billing, beside the requests that include them', async () => {
    await navigate(page, 'Billing');
    const table = page.getByRole('table', { name: 'Usage rows' });
    await table.waitFor();
    const headers = await table.getByRole('columnheader').allTextContents();
    const total = table.locator('tfoot tr');
    await total.waitFor();
    const cells = await total.getByRole('cell').allTextContents();
    const column = (name: string): string => cells[headers.indexOf(name)];
    // three calls answered and one refused: Requests counts all four, Refused names the one
    expect(column('Requests')).toBe('4');
    expect(column('Errors')).toBe('0');
    expect(column('Refused')).toBe('1');
  });

  it('says on a client’s page how many of its requests were refused for budget', async () => {
    await navigate(page, 'API clients');
    await page.getByRole('link', { name: 'tight-budget' }).click();
    await page.getByRole('heading', { name: 'tight-budget', level: 1 }).waitFor();
    // it said "1 request" for a call that never reached a provider
    await page.getByText('30 days: 1 request (1 refused before a provider) · 0 tokens · $0.00', { exact: true }).waitFor();
  });

  it('draws every dollar figure of a client’s usage chart whole', async () => {
    await navigate(page, 'API clients');
    await page.getByRole('link', { name: 'first-app' }).click();
    await page.getByRole('heading', { name: 'first-app', level: 1 }).waitFor();
    const ticks = await yTicksInside(page.getByRole('img', { name: 'Cost per day over the last 30 days' }));
    // the top of the axis has the most decimals
    expect(ticks.some((tick) => /^\$0\.0000\d+$/.test(tick.text))).toBe(true);
    expect(ticks.filter((tick) => !tick.inside)).toEqual([]);
  });

  it('draws every dollar figure of Billing’s chart whole, and counts the calls without a price in plain English', async () => {
    await navigate(page, 'Billing');
    const ticks = await yTicksInside(page.getByRole('img', { name: /^Cost per day/ }));
    expect(ticks.some((tick) => /^\$0\.0000\d+$/.test(tick.text))).toBe(true);
    expect(ticks.filter((tick) => !tick.inside)).toEqual([]);
    await page.getByText('1 call with no known price: not in the cost.', { exact: true }).waitFor();
  });
});
