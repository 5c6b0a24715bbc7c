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
    browser = await launchBrowser();
    page = await signedInPage(browser, t, 10_000, { locale: 'en-US' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
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
