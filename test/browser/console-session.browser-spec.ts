import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, signIn } from '../support/browser';
import { waitUntil } from '../support/poll';

const run = browserAvailable() ? describe : describe.skip;

/**
 * An operator's admin session runs out while they are editing. The console asks them to sign in
 * again over the page, so whatever they typed is still in its form afterwards, ready to be saved;
 * nothing of it is written to browser storage on the way, a provider key least of all.
 */
run('the console when the admin session ends mid-edit, in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const admin = <T>(method: string, path: string, body?: unknown): Promise<T> => adminRequest<T>(t, method, path, body);

  /** The session runs out on the server, as it does after its 12 hours: its expiry is put in the past. */
  const endSession = async () => {
    const pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    try {
      await pg.query(`UPDATE admin_sessions SET expires_at = now() - interval '1 second'`);
    } finally {
      await pg.end();
    }
    // the server trusts a session it checked in the last few seconds: wait until it has looked again
    await waitUntil(async () => (await page.request.get(`${t.url}/api/admin/dashboard`)).status() === 401, 'the server refuses the ended session', {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  };

  const signInAgain = async (): Promise<Locator> => {
    const dialog = page.getByRole('dialog', { name: 'Sign in again' });
    await dialog.getByLabel('Admin token').fill(t.adminToken);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    return dialog;
  };

  const toast = (text: string) => page.locator('.toast').filter({ hasText: text });
  const browserStorage = () => page.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]));

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, t);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("keeps a client's edited settings when Save meets an ended session, and saves them once signed in again", async () => {
    const { id } = await admin<{ id: string }>('POST', '/clients', { name: 'storefront', rate_limit_rpm: 60 });
    await page.goto(`${t.url}/clients/${id}`);
    const form = page.getByRole('form', { name: 'Client settings' });
    await form.getByLabel('Description').fill('Checkout and search');
    await form.getByLabel('Requests per minute').fill('900');
    await form.getByLabel('Tokens per minute').fill('120000');

    await endSession();
    await form.getByRole('button', { name: 'Save settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in again' });
    await dialog.getByText('Your session has ended, so your last change was not saved.').waitFor();
    expect(page.url()).toBe(`${t.url}/clients/${id}`);

    // a wrong token is named at its field, and the dialog stays over the page
    await dialog.getByLabel('Admin token').fill('not-the-admin-token');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.locator('.field-error').waitFor();
    await signInAgain();

    await toast('Your unsaved changes are still here').waitFor();
    expect(await form.getByLabel('Description').inputValue()).toBe('Checkout and search');
    expect(await form.getByLabel('Requests per minute').inputValue()).toBe('900');
    expect(await form.getByLabel('Tokens per minute').inputValue()).toBe('120000');
    // the refused save left no message in the form: the dialog said it all
    expect(await form.getByRole('alert').count()).toBe(0);
    // nothing was sent for the operator: the server still has what it had
    expect(await admin('GET', `/clients/${id}`)).toMatchObject({ description: null, rate_limit_rpm: 60, rate_limit_tpm: null });

    await form.getByRole('button', { name: 'Save settings' }).click();
    await toast('Client saved').waitFor();
    expect(await admin('GET', `/clients/${id}`)).toMatchObject({ description: 'Checkout and search', rate_limit_rpm: 900, rate_limit_tpm: 120000 });
  });

  it('keeps the text of a new template version through signing in again', async () => {
    const { id } = await admin<{ id: string }>('POST', '/templates', {
      name: 'support-reply',
      body: 'Hello {{ name }}',
      variables: [{ name: 'name', required: true }],
    });
    await page.goto(`${t.url}/templates/${id}?tab=edit`);
    const form = page.getByRole('form', { name: 'New version' });
    const body = 'Hello {{ name }}, thank you for writing to us.\nWe answer within a day.';
    await form.getByLabel('Body').fill(body);
    await form.getByLabel('Note').fill('a warmer greeting');

    await endSession();
    await form.getByRole('button', { name: 'Save as new version' }).click();
    await signInAgain();
    expect(await form.getByLabel('Body').inputValue()).toBe(body);
    expect(await form.getByLabel('Note').inputValue()).toBe('a warmer greeting');

    await form.getByRole('button', { name: 'Save as new version' }).click();
    await toast('Version 2 saved').waitFor();
    const template = await admin<{ versions: { version: number; body: string; note: string | null }[] }>('GET', `/templates/${id}`);
    expect(template.versions.find((v) => v.version === 2)).toMatchObject({ body, note: 'a warmer greeting' });
  });

  it('keeps a typed provider key in the form only, never in browser storage', async () => {
    await page.goto(`${t.url}/providers`);
    const card = page.getByRole('form', { name: 'openai settings' });
    const secret = 'sk-typed-while-the-session-ran-out-0123456789';
    await card.getByLabel('API key').fill(secret);
    await card.getByLabel('Timeout (ms)').fill('45000');

    await endSession();
    await card.getByRole('button', { name: /^Save/ }).click();
    await page.getByRole('dialog', { name: 'Sign in again' }).waitFor();
    expect(await browserStorage()).not.toContain(secret);
    expect(await browserStorage()).not.toContain(t.adminToken);
    await signInAgain();
    expect(await card.getByLabel('API key').inputValue()).toBe(secret);
    expect(await card.getByLabel('Timeout (ms)').inputValue()).toBe('45000');
    expect(await browserStorage()).not.toContain(secret);
    expect(await browserStorage()).not.toContain(t.adminToken);

    await card.getByRole('button', { name: /^Save/ }).click();
    await toast('openai saved').waitFor();
    const providers = await admin<{ items: { name: string; timeout_ms: number; api_key_source: string | null }[] }>('GET', '/providers');
    expect(providers.items.find((p) => p.name === 'openai')).toMatchObject({ timeout_ms: 45000, api_key_source: 'console' });
  });

  it('keeps the page and its form on screen when a background refresh finds the session ended', async () => {
    const { id } = await admin<{ id: string }>('POST', '/clients', { name: 'back-office' });
    await page.goto(`${t.url}/clients/${id}`);
    const form = page.getByRole('form', { name: 'Client settings' });
    await form.getByLabel('Fallback models').fill('mock/echo');

    await endSession();
    // the operator comes back to the tab: the page reads its data again, and is refused
    await page.evaluate(() => window.dispatchEvent(new Event('visibilitychange')));
    const dialog = page.getByRole('dialog', { name: 'Sign in again' });
    await dialog.getByText('Your session has ended.').waitFor();
    expect(await dialog.getByText('not saved').count()).toBe(0);
    await signInAgain();
    await toast('Signed in again.').waitFor();
    await page.getByRole('heading', { name: 'back-office', level: 1 }).waitFor();
    expect(await form.getByLabel('Fallback models').inputValue()).toBe('mock/echo');
    expect(await page.getByText('Could not load this').count()).toBe(0);
  });

  it('signs in again over an open dialog without closing it, then creates the client and shows its key', async () => {
    await page.goto(`${t.url}/clients`);
    await page.getByRole('button', { name: 'New client' }).click();
    const create = page.getByRole('dialog', { name: 'New API client' });
    await create.getByLabel('Name').fill('late-night');
    await create.getByLabel('Requests per minute').fill('30');

    await endSession();
    await create.getByRole('button', { name: 'Create client and key' }).click();
    await signInAgain();
    expect(await create.getByLabel('Name').inputValue()).toBe('late-night');
    expect(await create.getByLabel('Requests per minute').inputValue()).toBe('30');
    expect((await admin<{ items: { name: string }[] }>('GET', '/clients')).items.map((c) => c.name)).not.toContain('late-night');

    await create.getByRole('button', { name: 'Create client and key' }).click();
    const reveal = page.getByRole('dialog', { name: 'Your new API key' });
    await reveal.getByText('It is shown only once').waitFor();
    await reveal.getByRole('button', { name: 'Done, I stored the key' }).click();
    await page.getByRole('heading', { name: 'late-night', level: 1 }).waitFor();
    const clients = (await admin<{ items: { name: string; rate_limit_rpm: number | null }[] }>('GET', '/clients')).items.filter((c) => c.name === 'late-night');
    expect(clients).toEqual([expect.objectContaining({ rate_limit_rpm: 30 })]);
  });
  it('names a client created without its key when the session ends between the two, and creates the key once signed in again', async () => {
    await page.goto(`${t.url}/clients`);
    await page.getByRole('button', { name: 'New client' }).click();
    const create = page.getByRole('dialog', { name: 'New API client' });
    await create.getByLabel('Name').fill('between-two-calls');

    // the key's request is held until the session has ended on the server, then goes through as it was sent
    let keyRequests = 0;
    await page.route(
      '**/api/admin/clients/*/keys',
      async (route) => {
        keyRequests += 1;
        await endSession();
        await route.continue();
      },
      { times: 1 },
    );
    await create.getByRole('button', { name: 'Create client and key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in again' });
    await dialog.getByText('Your session has ended, so your last change was not saved.').waitFor();
    expect(keyRequests).toBe(1);
    // behind the sign-in dialog (which hides it from assistive technology meanwhile), the New client dialog says what was made and what was not
    await page.locator('.form-error').filter({ hasText: 'The client was created, but not its key' }).waitFor();
    const made = await admin<{ items: { id: string; name: string }[] }>('GET', '/clients');
    const client = made.items.find((c) => c.name === 'between-two-calls');
    expect(client).toBeDefined();
    expect((await admin<{ items: unknown[] }>('GET', `/clients/${client?.id}/keys`)).items).toEqual([]);

    await signInAgain();
    expect(await create.getByText('The client was created, but not its key').isVisible()).toBe(true);
    await create.getByRole('button', { name: 'Create its key' }).click();
    const reveal = page.getByRole('dialog', { name: 'Your new API key' });
    await reveal.getByText('It is shown only once').waitFor();
    await reveal.getByRole('button', { name: 'Done, I stored the key' }).click();
    await page.getByRole('heading', { name: 'between-two-calls', level: 1 }).waitFor();
    // one client, with one key: the retry made only the key
    expect((await admin<{ items: { name: string }[] }>('GET', '/clients')).items.filter((c) => c.name === 'between-two-calls')).toHaveLength(1);
    expect((await admin<{ items: unknown[] }>('GET', `/clients/${client?.id}/keys`)).items).toHaveLength(1);
  });
  /** A fresh browser context's page that records every failed request and every error its console logs. */
  const watchedPage = async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const watched = await fresh.newPage();
    watched.setDefaultTimeout(10_000);
    const problems: string[] = [];
    const apiCalls: string[] = [];
    watched.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    watched.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    watched.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    return { fresh, watched, problems, apiCalls };
  };

  it('sends a first visit straight to sign-in, with no refused request in the browser console, and back to its page after', async () => {
    const { fresh, watched, problems, apiCalls } = await watchedPage();
    try {
      await watched.goto(`${t.url}/clients`);
      await watched.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
      expect(await watched.getByText('Your session has ended').count()).toBe(0);
      expect(apiCalls).toEqual([]);
      expect(problems).toEqual([]);

      await watched.getByLabel('Admin token').fill(t.adminToken);
      await watched.getByLabel('Admin token').press('Enter');
      await watched.getByRole('heading', { name: 'API clients', level: 1 }).waitFor();
      expect(problems).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('sends an operator back after their session ran out to sign-in, says why, and asks the API nothing first', async () => {
    const { fresh, watched, problems, apiCalls } = await watchedPage();
    try {
      await fresh.clock.install();
      await signIn(watched, t);
      // the next morning: the session's 12 hours have passed
      await fresh.clock.setSystemTime(Date.now() + 13 * 3_600_000);
      apiCalls.length = 0;
      await watched.goto(`${t.url}/logs`);
      await watched.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
      await watched.getByText('Your session has ended. Sign in again to carry on.').waitFor();
      expect(apiCalls).toEqual([]);
      expect(problems).toEqual([]);

      await watched.getByLabel('Admin token').fill(t.adminToken);
      await watched.getByRole('button', { name: 'Sign in' }).click();
      await watched.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    } finally {
      await fresh.close();
    }
  });
  it('sends nothing when an open page refreshes after its session ran out: it asks the operator to sign in again, and carries on', async () => {
    const { fresh, watched, problems, apiCalls } = await watchedPage();
    try {
      await fresh.clock.install();
      await signIn(watched, t);
      await watched.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      await fresh.clock.setSystemTime(Date.now() + 13 * 3_600_000);
      apiCalls.length = 0;
      // the dashboard's refresh timers come due
      await fresh.clock.fastForward(61_000);
      const dialog = watched.getByRole('dialog');
      await dialog.getByText('Your session has ended.').waitFor();
      expect(apiCalls).toEqual([]);
      expect(problems).toEqual([]);

      await dialog.getByLabel('Admin token').fill(t.adminToken);
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(apiCalls).toContain('POST /api/admin/session');
      expect(problems).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('stays signed in, and says so, when Sign out cannot reach the server; signs out once it can', async () => {
    const { fresh, watched } = await watchedPage();
    try {
      await signIn(watched, t);
      await watched.route('**/api/admin/session', (route) => (route.request().method() === 'DELETE' ? route.abort('connectionrefused') : route.continue()));
      await watched.getByRole('button', { name: 'Sign out' }).click();
      await watched.locator('.toast').filter({ hasText: 'Not signed out' }).filter({ hasText: 'This browser is still signed in.' }).waitFor();
      // the page did not pretend: the session it could not end still opens the admin API
      expect(watched.url()).toBe(`${t.url}/`);
      expect((await watched.request.get(`${t.url}/api/admin/dashboard`)).status()).toBe(200);

      await watched.unroute('**/api/admin/session');
      await watched.getByRole('button', { name: 'Sign out' }).click();
      await watched.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
      expect((await watched.request.get(`${t.url}/api/admin/dashboard`)).status()).toBe(401);
    } finally {
      await fresh.close();
    }
  });
});
