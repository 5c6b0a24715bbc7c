import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, navigate, signIn } from '../support/browser';

const run = browserAvailable() ? describe : describe.skip;

/** Money as a German browser writes US dollars, every digit the API gave kept: "1.234,50 $". */
const euroStyleUsd = (value: string, cents = false): string =>
  new Intl.NumberFormat('de-DE', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: cents ? 2 : Math.max(2, (value.split('.')[1] ?? '').length),
    signDisplay: 'negative',
  }).format(value as Intl.StringNumericLiteral);
const germanCount = (n: number): string => new Intl.NumberFormat('de-DE').format(n);

/**
 * One rule for every figure in the console: numbers and money are written the browser's way (its
 * locale), money always in US dollars. An operator with a German browser sees "1.234,50 $" beside
 * "1.234 requests", never "$1,234.50" beside "1.234"; a UTC day keeps its date in any time zone.
 */
run('the console in a German browser, in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const admin = <T>(method: string, path: string, body?: unknown): Promise<T> => adminRequest<T>(t, method, path, body);
  let clientId = '';
  // a zone whose date is never the UTC date at the moment the test runs
  const timeZone = new Date().getUTCHours() < 12 ? 'Etc/GMT+12' : 'Pacific/Kiritimati';

  const statValue = (label: string): Locator => page.locator('.stat').filter({ hasText: label }).locator('.stat-value');

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp({ PRICE_OVERRIDES: JSON.stringify({ 'mock/echo': { input_per_m: '1000', output_per_m: '2000' } }) });
    clientId = (await admin<{ id: string }>('POST', '/clients', { name: 'storefront', monthly_budget_usd: '1234.5' })).id;
    const { key } = await admin<{ key: string }>('POST', `/clients/${clientId}/keys`, {});
    // a long question: more than a thousand input tokens, so counts need a thousands separator
    const question = 'How do I return an order that arrived damaged? '.repeat(120);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'mock/echo', max_tokens: 20, messages: [{ role: 'user', content: question }] }),
      });
      expect(res.status).toBe(200);
    }
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE', timezoneId: timeZone });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, t);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('writes the dashboard’s money, counts, percentages and chart axes the German way', async () => {
    type Dashboard = { month_to_date: { cost_usd: string; requests: number }; month_end_forecast_usd: string; error_rate_today: number };
    // the forecast moves with the clock (spend over the month's elapsed share), so the page's figure is
    // bracketed by one read before it loads and one after it is shown
    const before = await admin<Dashboard>('GET', '/dashboard');
    await page.reload();
    await statValue('Cost this month')
      .filter({ hasText: euroStyleUsd(before.month_to_date.cost_usd) })
      .waitFor();
    const forecast = await statValue('Month-end forecast').textContent();
    const d = await admin<Dashboard>('GET', '/dashboard');
    expect([euroStyleUsd(before.month_end_forecast_usd, true), euroStyleUsd(d.month_end_forecast_usd, true)]).toContain(forecast);
    expect(await statValue('Error rate today').textContent()).toBe(
      new Intl.NumberFormat('de-DE', { style: 'percent', minimumFractionDigits: 1 }).format(d.error_rate_today),
    );
    const topClients = page.getByRole('table', { name: 'Top clients this month' });
    expect(
      await topClients
        .getByRole('row', { name: /storefront/ })
        .getByRole('cell')
        .last()
        .textContent(),
    ).toBe(euroStyleUsd(d.month_to_date.cost_usd));

    const dollarAxis = page.getByRole('img', { name: 'Cost per day in USD' }).locator('.recharts-yAxis-tick-labels text');
    await dollarAxis.first().waitFor();
    const ticks = await dollarAxis.allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    for (const tick of ticks) expect(tick).toMatch(/^\d{1,3}(\.\d{3})*(,\d+)?\s\$$/);
  });

  it('writes a client’s budget and spend, and its usage chart’s UTC day, the German way', async () => {
    await navigate(page, 'API clients');
    const row = page.getByRole('row', { name: /storefront/ });
    await row.getByText(euroStyleUsd('1234.5')).waitFor();

    const opened = new Date();
    await row.getByRole('link', { name: 'storefront' }).click();
    await page.getByRole('heading', { name: 'storefront', level: 1 }).waitFor();
    const client = await admin<{ month_to_date_spend_usd: string }>('GET', `/clients/${clientId}`);
    await page.getByText(euroStyleUsd(client.month_to_date_spend_usd)).first().waitFor();
    // the chart's days are UTC days, not the local ones on either side of them: its axis spans the 30 days and
    // ends on the UTC day the page asked on (the calls' day, or the next one for a run across midnight UTC)
    const utcDay = new Intl.DateTimeFormat('de-DE', { month: 'short', day: 'numeric', timeZone: 'UTC' });
    const days = page.getByRole('img', { name: 'Cost per day over the last 30 days' }).locator('.recharts-xAxis-tick-labels text');
    await days.first().waitFor();
    const labels = await days.allTextContents();
    expect([utcDay.format(opened), utcDay.format(new Date())]).toContain(labels.at(-1));
    expect(labels.length).toBeGreaterThan(5);
  });

  it('writes Billing’s and the Logs’ figures the German way', async () => {
    await navigate(page, 'Billing');
    const usage = await admin<{ totals: { cost_usd: string; input_tokens: number } }>('GET', '/billing/usage?granularity=day');
    expect(usage.totals.input_tokens).toBeGreaterThan(1000);
    await page
      .getByTestId('billing-total')
      .filter({ hasText: euroStyleUsd(usage.totals.cost_usd) })
      .waitFor();
    await page
      .getByRole('cell', { name: germanCount(usage.totals.input_tokens), exact: true })
      .first()
      .waitFor();

    await navigate(page, 'Logs');
    const logs = await admin<{ items: { cost_usd: string; input_tokens: number; output_tokens: number }[] }>('GET', '/logs');
    const [newest] = logs.items;
    const firstRow = page.getByRole('row').nth(1);
    await firstRow.getByText(euroStyleUsd(newest.cost_usd)).waitFor();
    expect(await firstRow.getByText(`${germanCount(newest.input_tokens)} / ${germanCount(newest.output_tokens)}`).count()).toBe(1);
  });

  it('writes Providers’ prices the German way', async () => {
    await navigate(page, 'Providers');
    const row = page.getByRole('row', { name: /mock\/echo/ });
    await row.getByText(euroStyleUsd('1000')).waitFor();
    expect(await row.getByText(euroStyleUsd('2000')).count()).toBe(1);
  });

  it('takes amounts typed the German way, and refuses one that could be a thousand times another', async () => {
    await navigate(page, 'API clients');
    await page.getByRole('link', { name: 'storefront' }).click();
    const form = page.getByRole('form', { name: 'Client settings' });
    const budget = form.getByLabel('Budget (USD)');
    expect(await budget.inputValue()).toBe('1234,5');

    await budget.fill('2.500');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.locator('.field-error').filter({ hasText: '2.500 could be 2500 or 2,500' }).waitFor();
    expect((await admin<{ monthly_budget_usd: string }>('GET', `/clients/${clientId}`)).monthly_budget_usd).toBe('1234.5');

    await budget.fill('2500,75');
    await form.getByLabel('Alert threshold').fill('0,8');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.toast').filter({ hasText: 'Client saved' }).waitFor();
    expect(await admin<{ monthly_budget_usd: string; budget_alert_threshold: string }>('GET', `/clients/${clientId}`)).toMatchObject({
      monthly_budget_usd: '2500.75',
      budget_alert_threshold: '0.8',
    });

    await navigate(page, 'Providers');
    await page.getByRole('button', { name: 'Edit price of mock/echo' }).click();
    const price = page.getByRole('form', { name: 'Edit price' });
    expect(await price.getByLabel('Input USD per 1M tokens').inputValue()).toBe('1000');
    await price.getByLabel('Output USD per 1M tokens').fill('2,125');
    await price.getByRole('button', { name: 'Save price' }).click();
    await price.waitFor({ state: 'detached' });
    const prices = await admin<{ items: { model: string; output_per_m: string }[] }>('GET', '/prices');
    expect(prices.items.find((p) => p.model === 'mock/echo')?.output_per_m).toBe('2.125');
  });
});
