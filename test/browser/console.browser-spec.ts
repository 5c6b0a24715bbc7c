import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Decimal from 'decimal.js';
import OpenAI from 'openai';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { formatMoney } from '../../client/src/lib/format-money';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser } from '../support/browser';

const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const run = browserAvailable() ? describe : describe.skip;

/**
 * The operator's whole flow in one browser session against one app: sign in,
 * issue a key, call the gateway with it, find the call everywhere, change a
 * price, work on a template, revoke the key. Each step builds on the last.
 */
run('the operator console in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let apiKey = '';
  let firstCost = '';
  let secondCost = '';
  const notFound: string[] = [];
  const ask = (content: string) =>
    new OpenAI({ apiKey, baseURL: `${t.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content }] });

  const shot = async (name: string) => {
    // notices from earlier steps would cover the page in the picture
    for (const close of await page.getByRole('button', { name: 'Dismiss' }).all()) await close.click().catch(() => undefined);
    await page.mouse.move(0, 0);
    // from the top: a page left scrolled draws the sticky sidebar where the scroll left it
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const nav = async (label: string) => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ensureConsoleBuilt();
    // the mock model gets a price, so every call has a cost to follow through the pages
    t = await startTestApp({ PRICE_OVERRIDES: JSON.stringify({ 'mock/echo': { input_per_m: '1000', output_per_m: '2000' } }) });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('response', (response) => {
      if (response.status() === 404) notFound.push(response.url());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a visitor without a session to sign-in, refuses a wrong token at its field, and signs in', async () => {
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    // a first visit: no session has ended, so none is said to have
    await page.getByLabel('Admin token').waitFor();
    expect(await page.getByText('Your session has ended').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Swagger UI' }).getAttribute('href')).toBe('/docs');
    await page.getByLabel('Admin token').fill('definitely-not-the-admin-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.field-error').waitFor();
    expect(await page.locator('.field-error').textContent()).toMatch(/token/i);
    await shot('sign-in');

    await page.getByLabel('Admin token').fill(t.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'llmhub_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // nothing the console loads is missing (a browser asks for /favicon.ico unless the page names its icon)
    expect(notFound).toEqual([]);
  });

  it('creates a client and shows its key once, with a copy button and a warning', async () => {
    await nav('API clients');
    await page.getByText('No API clients yet').waitFor();
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('storefront');
    await dialog.getByLabel('Monthly budget (USD)').fill('not money');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    // said at its field before anything is sent
    await dialog.locator('.field-error').filter({ hasText: 'Enter an amount like 250.50' }).waitFor();
    await dialog.getByLabel('Monthly budget (USD)').fill('50');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    await dialog.getByText('It is shown only once').waitFor();
    apiKey = await dialog.getByLabel('New API key').inputValue();
    expect(apiKey).toMatch(/^lh_/);
    await dialog.getByRole('button', { name: 'Copy key' }).waitFor();
    await shot('api-client-key');
    await dialog.getByRole('button', { name: 'Done, I stored the key' }).click();
    await page.getByRole('heading', { name: 'storefront', level: 1 }).waitFor();
    // the key is never shown again: the page lists its prefix only
    expect(await page.content()).not.toContain(apiKey);
    await page.getByRole('table', { name: 'API keys' }).getByText('active').waitFor();
  });

  it('serves the calls made with that key through the OpenAI SDK', async () => {
    const reply = await ask('hello from the browser test');
    expect(reply.choices[0]?.message.content).toContain('hello from the browser test');
    firstCost = (reply.usage as unknown as { cost_usd: string }).cost_usd;
    expect(Number(firstCost)).toBeGreaterThan(0);
  });

  it('shows the call on the Dashboard with its cost', async () => {
    const { items } = await adminRequest<{ items: { created_at: string }[] }>(t, 'GET', '/logs');
    await nav('Dashboard');
    await page.getByRole('table', { name: 'Top clients this month' }).getByRole('link', { name: 'storefront' }).waitFor();
    // "today" is the UTC day: the card holds the call unless midnight UTC came between it and the page's read
    // (the page read before this line; on the same day as the call, so did it)
    if (items[0].created_at.slice(0, 10) === new Date().toISOString().slice(0, 10)) {
      const today = page.locator('.stat').filter({ hasText: 'Cost today' });
      await today.getByText(formatMoney(firstCost), { exact: true }).waitFor();
      expect(await today.textContent()).toContain('1 request');
    }
    await shot('dashboard');
  });

  it('shows the same call in Logs with the same cost, and its detail', async () => {
    await nav('Logs');
    const table = page.getByRole('table', { name: 'Calls, newest first' });
    const row = table.locator('tbody tr').first();
    await row.getByText(formatMoney(firstCost), { exact: true }).waitFor();
    // the client's name comes with the filter choices, a query of its own that may answer after the calls
    await row.getByText('storefront', { exact: true }).waitFor();
    await shot('logs');
    await row.getByRole('button', { name: /Open request/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Request detail' });
    expect(await dialog.getByTestId('log-detail-cost').textContent()).toBe(formatMoney(firstCost));
    await dialog.getByText('mock/echo').first().waitFor();
    // the client by its name, as in the table, with its id
    await dialog.locator('dl[aria-label="Call"]').getByText('storefront').waitFor();
    // the model asked for is the one that answered: said so, not an empty dash
    const requested = await dialog.locator('dl[aria-label="Outcome"] dt:has-text("Requested") + dd').textContent();
    expect(requested?.trim()).toBe('the same');
    await shot('log-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the same cost in Billing, whose total is the API total', async () => {
    await nav('Billing');
    await page.getByRole('table', { name: 'Usage rows' }).waitFor();
    expect(await page.getByTestId('billing-total').textContent()).toBe(formatMoney(firstCost));
    await page.getByLabel('Group by').selectOption('client');
    await page.getByRole('table', { name: 'Usage rows' }).getByText('storefront').waitFor();
    expect(page.url()).toContain('group_by=client');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/^llmhub-usage-.*\.csv$/);
    await shot('billing');
  });

  it('sets a price on the Providers page, and the next call costs accordingly', async () => {
    await nav('Providers');
    await page.getByRole('heading', { name: 'mock', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).last().click();
    await page.getByText(/Connected: mock\//).waitFor();
    await page.getByLabel('Find a model').fill('mock/echo');
    await page.getByRole('button', { name: 'Edit price of mock/echo' }).click();
    const form = page.getByRole('form', { name: 'Edit price' });
    await form.getByLabel('Input USD per 1M tokens').fill('3000');
    await form.getByLabel('Output USD per 1M tokens').fill('6000');
    await form.getByRole('button', { name: 'Save price' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Prices per million tokens' }).getByText('console').waitFor();
    await shot('providers');

    const reply = await ask('hello from the browser test');
    secondCost = (reply.usage as unknown as { cost_usd: string }).cost_usd;
    // the same words at three times the price
    expect(secondCost).toBe(new Decimal(firstCost).times(3).toFixed());
    await nav('Logs');
    await page.getByRole('table', { name: 'Calls, newest first' }).locator('tbody tr').first().getByText(formatMoney(secondCost), { exact: true }).waitFor();
  });

  it('creates a template and a second version, diffs them, sets A/B weights and runs the playground', async () => {
    await nav('Templates');
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    await dialog.getByLabel('Template name').fill('tagline');
    await dialog.getByLabel('Body').fill('Write a tagline for {{ product }}');
    await dialog.getByRole('group', { name: 'Detected variables' }).getByText('product', { exact: true }).waitFor();
    await dialog.getByLabel('Model').fill('mock/echo');
    await dialog.getByRole('button', { name: 'Create template' }).click();
    await page.getByRole('heading', { name: 'tagline', level: 1 }).waitFor();

    await page.getByRole('tab', { name: 'New version' }).click();
    const editor = page.getByRole('form', { name: 'New version' });
    await editor.getByLabel('Body').fill('Write a short tagline for {{ product }} aimed at {{ audience }}');
    await editor.getByText('audience', { exact: true }).waitFor();
    // with a default, a caller of version 1 (product alone) is served by version 2 too: the two can share an A/B test
    await editor.getByLabel('Default for audience').fill('everyone');
    await editor.getByLabel('Note').fill('shorter, with an audience');
    await shot('template-editor');
    await editor.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByRole('tab', { name: 'Versions', selected: true }).waitFor();
    const diff = page.getByTestId('version-diff');
    expect(await diff.locator('ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('short')]));
    expect(await diff.textContent()).toContain('audience');
    await shot('template-versions');

    await page.getByRole('tab', { name: 'Labels & A/B' }).click();
    await page.getByLabel('Weight of v1').fill('50');
    await page.getByLabel('Weight of v2').fill('50');
    await page.getByRole('button', { name: 'Save weights' }).click();
    await page.getByText('A/B v1:50 v2:50').waitFor();
    await shot('template-ab');

    // one call through each version, scored by its caller, then their figures side by side
    for (const [version, variables, score] of [
      [1, { product: 'LLMHub' }, 4],
      [2, { product: 'LLMHub', audience: 'operators' }, 2.5],
    ] as const) {
      const headers = { 'X-API-Key': apiKey, 'Content-Type': 'application/json' };
      const res = await fetch(`${t.url}/api/v1/llm/generate`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ template: { name: 'tagline', version }, variables }),
      });
      expect(res.status).toBe(200);
      const { request_id } = (await res.json()) as { request_id: string };
      const feedback = await fetch(`${t.url}/api/v1/generations/${request_id}/feedback`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ success: true, score }),
      });
      expect(feedback.status).toBe(200);
    }
    await page.getByRole('tab', { name: 'Stats' }).click();
    const stats = page.getByRole('table', { name: 'Per-version statistics' });
    await stats.locator('tbody tr').nth(1).waitFor();
    // version, A/B share, requests, success rate, feedback, average score (and the scores behind it)
    expect(await stats.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^v150%1100\.0%14 \(1 score\)\$/),
      expect.stringMatching(/^v250%1100\.0%12\.5 \(1 score\)\$/),
    ]);
    await shot('template-stats');

    await page.getByRole('tab', { name: 'Playground' }).click();
    const playground = page.getByRole('form', { name: 'Playground' });
    await playground.getByLabel('Version', { exact: true }).selectOption('2');
    await playground.getByRole('button', { name: 'Run', exact: true }).click();
    // a required variable left empty: the API's 422 names it at its field
    await page.locator('.field-error').filter({ hasText: 'product' }).first().waitFor();
    await playground.getByLabel('Variable product (required)').fill('LLMHub');
    await playground.getByLabel('Variable audience (required)').fill('developers');
    await playground.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByTestId('playground-output').getByText('Echo: Write a short tagline for LLMHub aimed at developers').waitFor();
    const figures = await page.getByRole('definition').allTextContents();
    expect(figures.join(' ')).toMatch(/\$0\.\d+/);
    await shot('template-playground');
  });

  it('revokes the key, after which calls with it are refused', async () => {
    await nav('API clients');
    await page.getByRole('link', { name: 'storefront' }).click();
    await page.getByRole('button', { name: /^Revoke key/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('table', { name: 'API keys' }).getByText('revoked').waitFor();
    await shot('api-client');
    await expect(ask('still there?')).rejects.toMatchObject({ status: 401 });
  });

  it('is usable on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Dashboard');
    await page.getByText('Cost today').waitFor();
    await shot('dashboard-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('asks to sign in again over the page when the session has ended, and signs out', async () => {
    await context.clearCookies();
    // the page opens, and the sign-in dialog over it (which hides the page from the accessibility tree)
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Templates', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in again' });
    await dialog.getByText('Your session has ended').waitFor();
    expect(new URL(page.url()).pathname).toBe('/templates');
    await dialog.getByLabel('Admin token').fill(t.adminToken);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
    // a deep link opens its page with the selection from the URL
    await page.goto(`${t.url}/billing?granularity=month&group_by=provider`);
    await page.getByRole('heading', { name: 'Billing', level: 1 }).waitFor();
    expect(await page.getByLabel('Granularity').inputValue()).toBe('month');
    await page.getByRole('table', { name: 'Usage rows' }).getByText('mock', { exact: true }).waitFor();
    // whole months: the report says it reaches from the first of From's month to the end of To's
    const from = await page.getByLabel('From').inputValue();
    const covered = (await page.getByTestId('billing-covered').textContent()) ?? '';
    const firstOfMonth = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${from.slice(0, 8)}01T00:00:00Z`),
    );
    expect(covered).toMatch(new RegExp(`^Covers ${firstOfMonth} – .+ \\(whole months, UTC\\)$`));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    expect((await context.cookies()).find((c) => c.name === 'llmhub_session')).toBeUndefined();
    // signed out on purpose: a later visit is not told its session ended
    await page.goto(`${t.url}/logs`);
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    await page.getByLabel('Admin token').waitFor();
    expect(await page.getByText('Your session has ended').count()).toBe(0);
  });
});
