import { Browser } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { browserAvailable, ensureConsoleBuilt, launchBrowser } from '../support/browser';

const run = browserAvailable() ? describe : describe.skip;

run('the console in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is served at / by the same process, with links to the API docs', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: 'LLMHub console' }).waitFor();
    expect(await page.getByRole('link', { name: 'Swagger UI' }).getAttribute('href')).toBe('/docs');
    await page.close();
  });

  it('tells the operator when the admin token is wrong, and signs in with the right one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.url}/`);
    await page.getByLabel('Admin token').fill('definitely-not-the-admin-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasNotText: 'Working' }).filter({ hasText: /\w/ }).waitFor();
    expect(await page.getByRole('status').textContent()).not.toBe('Signed in');

    await page.getByLabel('Admin token').fill(t.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed in' }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'llmhub_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await context.close();
  });
});
