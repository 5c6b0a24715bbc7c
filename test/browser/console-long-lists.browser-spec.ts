import { Browser, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, signedInPage } from '../support/browser';

const run = browserAvailable() ? describe : describe.skip;

/**
 * What the console reads as a whole list (a client's keys, the clients over budget, the Logs filter's
 * clients) holds every item, not the first page's: past the API's largest page (200) too.
 */
run('the console with more items than one page of the API', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const admin = <T>(method: string, path: string, body?: unknown): Promise<T> => adminRequest<T>(t, method, path, body);
  const MANY = 205;
  let manyKeysClient: string;
  let newestPrefix: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp();
    // clients listed oldest first: the ones the test looks for come after more than a page of others
    for (let i = 0; i < MANY; i++) await admin('POST', '/clients', { name: `filler-${i}` });
    manyKeysClient = (await admin<{ id: string }>('POST', '/clients', { name: 'many-keys' })).id;
    await admin('POST', '/clients', { name: 'last-over-budget', monthly_budget_usd: '0' });
    // every rotation adds a key: the client's one active key is its newest
    let key = await admin<{ id: string; prefix: string }>('POST', `/clients/${manyKeysClient}/keys`, { name: 'rotated' });
    for (let i = 0; i < MANY; i++) key = await admin<{ id: string; prefix: string }>('POST', `/keys/${key.id}/rotate`, {});
    newestPrefix = key.prefix;
    browser = await launchBrowser();
    page = await signedInPage(browser, t);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the dashboard’s clients over budget from every page of clients', async () => {
    await page.getByRole('table', { name: 'Clients near or over budget' }).getByRole('link', { name: 'last-over-budget' }).waitFor();
  });

  it('shows a client’s newest key, its only active one, after more than a page of rotated keys', async () => {
    await page.goto(`${t.url}/clients/${manyKeysClient}`);
    const keys = page.getByRole('table', { name: 'API keys' });
    await keys.getByRole('button', { name: `Rotate key ${newestPrefix}` }).waitFor();
    expect(await keys.getByRole('row').count()).toBe(MANY + 2); // the header row and every key
  });

  it('offers every client in the Logs client filter', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Logs', exact: true }).click();
    const filter = page.getByRole('group', { name: 'Log filters' }).getByLabel('Client');
    await filter.locator('option', { hasText: 'last-over-budget' }).waitFor({ state: 'attached' });
    expect(await filter.locator('option').count()).toBe(MANY + 3); // "any" and every client
  });
});
