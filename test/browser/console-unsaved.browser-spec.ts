import { Browser, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, signedInPage } from '../support/browser';
import { waitUntil } from '../support/poll';

const run = browserAvailable() ? describe : describe.skip;

/**
 * An operator has typed into a form and not saved it. Leaving the page, by the console's own links or
 * tabs, by a reload or by closing the tab, asks first; a form just saved, or set back to what it was
 * loaded with, lets them go without a word. The edits live in the page only, never in browser storage.
 */
run('the console with unsaved edits, in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const admin = <T>(method: string, path: string, body?: unknown): Promise<T> => adminRequest<T>(t, method, path, body);
  const navLink = (label: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true });
  const discardDialog = () => page.getByRole('dialog', { name: 'Discard unsaved changes?' });
  const settings = () => page.getByRole('form', { name: 'Client settings' });
  const browserStorage = () => page.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]));
  let clientId: string;

  const openClient = async () => {
    await page.goto(`${t.url}/clients/${clientId}`);
    await page.getByRole('heading', { name: 'storefront', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp();
    browser = await launchBrowser();
    page = await signedInPage(browser, t, 10_000);
    ({ id: clientId } = await admin<{ id: string }>('POST', '/clients', { name: 'storefront', rate_limit_rpm: 60 }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("asks before a link takes a client's edited settings away: Keep editing keeps them, Discard leaves without them", async () => {
    await openClient();
    await settings().getByLabel('Description').fill('Checkout and search');

    await navLink('Templates').click();
    await discardDialog().waitFor();
    expect(await discardDialog().getByRole('button').allTextContents()).toEqual(expect.arrayContaining(['Keep editing', 'Discard']));
    await discardDialog().getByRole('button', { name: 'Keep editing' }).click();
    await discardDialog().waitFor({ state: 'detached' });
    expect(page.url()).toBe(`${t.url}/clients/${clientId}`);
    expect(await settings().getByLabel('Description').inputValue()).toBe('Checkout and search');
    expect(await browserStorage()).not.toContain('Checkout and search');

    await navLink('Templates').click();
    await discardDialog().getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
    expect(page.url()).toBe(`${t.url}/templates`);

    // nothing of it was saved, or kept anywhere: back on the client, the form shows what the API has
    await page.goBack();
    await page.getByRole('heading', { name: 'storefront', level: 1 }).waitFor();
    expect(await settings().getByLabel('Description').inputValue()).toBe('');
    expect(await admin('GET', `/clients/${clientId}`)).toMatchObject({ description: null });
  });

  it('lets the operator go without asking once the edits are saved, or set back to what was loaded', async () => {
    await openClient();
    await settings().getByLabel('Requests per minute').fill('900');
    await settings().getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.toast').filter({ hasText: 'Client saved' }).waitFor();
    await navLink('API clients').click();
    await page.getByRole('heading', { name: 'API clients', level: 1 }).waitFor();
    expect(await discardDialog().count()).toBe(0);

    await openClient();
    await settings().getByLabel('Description').fill('Checkout');
    await settings().getByLabel('Description').fill('');
    await navLink('Billing').click();
    await page.getByRole('heading', { name: 'Billing', level: 1 }).waitFor();
    expect(await discardDialog().count()).toBe(0);
  });

  it('has the browser ask before a reload only while a form holds unsaved edits', async () => {
    const asked: string[] = [];
    page.on('dialog', (dialog) => {
      asked.push(dialog.type());
      void dialog.dismiss();
    });
    await openClient();
    // a browser asks only on a page the user has interacted with: a click, as an operator's would be
    await settings().getByLabel('Description').click();
    await settings().getByLabel('Description').fill('Typed before a reload');

    // dismissed, the reload does not happen and the edit stays
    void page.reload({ timeout: 3_000 }).catch(() => undefined);
    await waitUntil(async () => asked.length > 0, 'the browser asks before reloading', { timeoutMs: 5_000, intervalMs: 50 });
    expect(asked).toEqual(['beforeunload']);
    expect(await settings().getByLabel('Description').inputValue()).toBe('Typed before a reload');

    // set back to what was loaded: nothing to lose, and the page reloads without a question
    await settings().getByLabel('Description').fill('');
    await page.reload();
    await page.getByRole('heading', { name: 'storefront', level: 1 }).waitFor();
    expect(asked).toEqual(['beforeunload']);
    page.removeAllListeners('dialog');
  });

  it('asks before a tab of a template takes its new version or its A/B weights away, and not once the version is saved', async () => {
    const { id } = await admin<{ id: string }>('POST', '/templates', { name: 'greeting', body: 'Hello' });
    await page.goto(`${t.url}/templates/${id}?tab=edit`);
    const body = page.getByRole('form', { name: 'New version' }).getByLabel('Body', { exact: true });
    await body.fill('Hello there');

    await page.getByRole('tab', { name: 'Versions' }).click();
    await discardDialog().getByRole('button', { name: 'Keep editing' }).click();
    await discardDialog().waitFor({ state: 'detached' });
    expect(await body.inputValue()).toBe('Hello there');

    // saving moves to the versions tab by itself, without asking
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.locator('.toast').filter({ hasText: 'Version 2 saved' }).waitFor();
    await page.getByRole('table', { name: 'Versions' }).getByRole('cell', { name: 'v2', exact: true }).waitFor();
    expect(await discardDialog().count()).toBe(0);

    await page.getByRole('tab', { name: 'Labels & A/B' }).click();
    await page.getByLabel('Weight of v1').fill('50');
    await navLink('Dashboard').click();
    await discardDialog().getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(await admin('GET', `/templates/${id}`)).toMatchObject({ ab_weights: null });
  });

  it('does not ask about the edits of a client the operator has just deleted', async () => {
    const { id } = await admin<{ id: string }>('POST', '/clients', { name: 'short-lived' });
    await page.goto(`${t.url}/clients/${id}`);
    await page.getByRole('heading', { name: 'short-lived', level: 1 }).waitFor();
    await settings().getByLabel('Description').fill('never saved');

    await page.getByRole('button', { name: 'Delete client' }).click();
    await page.getByRole('dialog', { name: 'Delete short-lived?' }).getByRole('button', { name: 'Delete client' }).click();
    await page.getByRole('heading', { name: 'API clients', level: 1 }).waitFor();
    expect(page.url()).toBe(`${t.url}/clients`);
    expect(await discardDialog().count()).toBe(0);
    expect(await page.getByRole('table').getByText('short-lived').count()).toBe(0);
  });
});
