import { TcpProxy } from '@test/integration/billing/tcp-proxy';
import { Browser, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, signedInPage } from '../support/browser';
import { createTestDatabase, TestDatabase } from '../support/db';
import { waitUntil } from '../support/poll';

const run = browserAvailable() ? describe : describe.skip;

/**
 * The database goes away for a moment while an operator is editing. The page they have keeps
 * showing what it loaded, with their edit still in its form, and says once, above it, that it could
 * not be refreshed and why, however many of its cards failed; once the database is back the notice
 * goes by itself. Only a page that has nothing to show yet says it could not be loaded.
 */
run('the console when a background refresh fails, in headless Chromium', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const admin = <T>(method: string, path: string, body?: unknown): Promise<T> => adminRequest<T>(t, method, path, body);
  const status = async (path: string) => (await page.request.get(`${t.url}/api/admin${path}`)).status();
  const refreshFailed = () => page.locator('.refresh-failed');
  /** the operator comes back to the tab: every query on the page reads again */
  const comeBackToTheTab = () => page.evaluate(() => window.dispatchEvent(new Event('visibilitychange')));
  /** the most refresh notices the page showed at once over the next `ms` (its cards' reads fail within moments of each other) */
  const mostNoticesAtOnce = async (ms: number) => {
    let most = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      most = Math.max(most, await refreshFailed().count());
      await page.waitForTimeout(100);
    }
    return most;
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    // the app reaches its database through a proxy the test can cut, as in the e2e outage tests
    db = await createTestDatabase();
    let url: string;
    ({ proxy, url } = await TcpProxy.inFrontOf(db.url));
    t = await startTestApp({ DATABASE_URL: url });
    browser = await launchBrowser();
    page = await signedInPage(browser, t, 10_000);
  }, 120_000);

  afterAll(async () => {
    await proxy?.up();
    await browser?.close();
    await t?.close();
    await proxy?.down();
    await db?.drop();
  });

  afterEach(async () => {
    await proxy.up();
  });

  const databaseOut = async () => {
    await proxy.down();
    await waitUntil(async () => (await status('/clients')) === 503, 'the API answers 503 while the database is out', { timeoutMs: 10_000, intervalMs: 100 });
  };

  const databaseBack = async () => {
    await proxy.up();
    await waitUntil(async () => (await status('/clients')) === 200, 'the API serves again once the database is back', { timeoutMs: 20_000, intervalMs: 200 });
  };

  it("keeps a client's page and its edited settings when a refresh meets the database out, says why once, and clears once it is back", async () => {
    const { id } = await admin<{ id: string }>('POST', '/clients', { name: 'storefront', rate_limit_rpm: 60 });
    await admin('POST', `/clients/${id}/keys`, { name: 'production' });
    await page.goto(`${t.url}/clients/${id}`);
    await page.getByRole('heading', { name: 'storefront', level: 1 }).waitFor();
    const keys = page.getByRole('table', { name: 'API keys' });
    await keys.getByRole('cell', { name: 'production' }).waitFor();
    const form = page.getByRole('form', { name: 'Client settings' });
    await form.getByLabel('Description').fill('Checkout and search');
    await form.getByLabel('Requests per minute').fill('900');

    await databaseOut();
    await comeBackToTheTab();
    // the page reads again (the client, its keys, its usage; with their retries), fails, and says so once, above what it still shows
    const notice = refreshFailed();
    await notice.waitFor({ timeout: 20_000 });
    expect(await mostNoticesAtOnce(3_000)).toBe(1);
    expect(await notice.textContent()).toMatch(/Could not refresh this page\..*database is unreachable.*Showing what was loaded at/);
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await page.getByText('Could not load this').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'storefront', level: 1 }).isVisible()).toBe(true);
    expect(await keys.getByRole('cell', { name: 'production' }).isVisible()).toBe(true);
    expect(await page.getByText('No calls in the last 30 days.').isVisible()).toBe(true);
    expect(await form.getByLabel('Description').inputValue()).toBe('Checkout and search');
    expect(await form.getByLabel('Requests per minute').inputValue()).toBe('900');
    // no toast piles up over the page for a refresh: the notice says it
    expect(await page.locator('.toast').filter({ hasText: 'database' }).count()).toBe(0);

    await databaseBack();
    // nothing to press: the page reads again by itself a few seconds later, and the notice goes
    await refreshFailed().waitFor({ state: 'detached', timeout: 30_000 });
    expect(await refreshFailed().count()).toBe(0);
    expect(await form.getByLabel('Description').inputValue()).toBe('Checkout and search');
    expect(await form.getByLabel('Requests per minute').inputValue()).toBe('900');

    await form.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.toast').filter({ hasText: 'Client saved' }).waitFor();
    expect(await admin('GET', `/clients/${id}`)).toMatchObject({ description: 'Checkout and search', rate_limit_rpm: 900 });
  }, 90_000);

  it('clears the notice at once when the operator presses Try again after the database is back', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API clients', exact: true }).click();
    await page.getByRole('heading', { name: 'API clients', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'storefront' }).waitFor();

    await databaseOut();
    await comeBackToTheTab();
    const notice = refreshFailed();
    await notice.waitFor({ timeout: 20_000 });
    expect(await page.getByRole('link', { name: 'storefront' }).isVisible()).toBe(true);

    await databaseBack();
    await notice.getByRole('button', { name: 'Try again' }).click();
    await notice.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.getByRole('link', { name: 'storefront' }).isVisible()).toBe(true);
  }, 90_000);

  it('says "Could not load this" for a page with nothing loaded yet, and why', async () => {
    await databaseOut();
    // a page not opened before: nothing to keep showing
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Templates', exact: true }).click();
    const failed = page.locator('.state-error');
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.textContent()).toMatch(/Could not load this\..*database is unreachable/);
    expect(await refreshFailed().count()).toBe(0);

    await databaseBack();
    await failed.getByRole('button', { name: 'Try again' }).click();
    await failed.waitFor({ state: 'detached' });
    expect(await page.getByText('Could not load this').count()).toBe(0);
  }, 90_000);
});
