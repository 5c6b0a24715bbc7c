import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { formatMoney } from '../../client/src/lib/format-money';
import { startTestApp, TestApp } from '../support/app';
import { browserAvailable, ensureConsoleBuilt, launchBrowser } from '../support/browser';

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

  const shot = async (name: string) => {
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
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a visitor without a session to sign-in, refuses a wrong token at its field, and signs in', async () => {
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
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
  });

  it('creates a client and shows its key once, with a copy button and a warning', async () => {
    await nav('API clients');
    await page.getByText('No API clients yet').waitFor();
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('storefront');
    await dialog.getByLabel('Monthly budget (USD)').fill('not money');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    // the API's validation detail appears at its field
    await dialog.locator('.field-error').filter({ hasText: 'monthly_budget_usd' }).waitFor();
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
    const openai = new OpenAI({ apiKey, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const reply = await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello from the browser test' }] });
    expect(reply.choices[0]?.message.content).toContain('hello from the browser test');
    firstCost = (reply.usage as unknown as { cost_usd: string }).cost_usd;
    expect(Number(firstCost)).toBeGreaterThan(0);
  });

  it('shows the call on the Dashboard with its cost', async () => {
    await nav('Dashboard');
    const today = page.locator('.stat').filter({ hasText: 'Cost today' });
    await today.getByText(formatMoney(firstCost), { exact: true }).waitFor();
    expect(await today.textContent()).toContain('1 requests');
    await page.getByRole('table', { name: 'Top clients this month' }).getByRole('link', { name: 'storefront' }).waitFor();
    await shot('dashboard');
  });
});
