import { Client } from 'pg';
import { Browser, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, navigate, signedInPage } from '../support/browser';

const run = browserAvailable() ? describe : describe.skip;

/**
 * An operator's slips in the console's forms and dialogs: each is named at its
 * field, none changes what it did not say, and none loses a key shown once.
 */
run('the console forms and dialogs in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const admin = <T>(method: string, path: string, body?: unknown): Promise<T> => adminRequest<T>(t, method, path, body);
  const nav = (label: string) => navigate(page, label);
  /** leaves a page whose form still holds what the API refused: the console asks first */
  const navDiscardingEdits = async (label: string) => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('dialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await startTestApp();
    browser = await launchBrowser();
    page = await signedInPage(browser, t);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses a rate limit that is not a whole number at its field instead of creating the client without one', async () => {
    await nav('API clients');
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('typo-limits');
    await dialog.getByLabel('Requests per minute').fill('12k');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    await dialog.locator('.field-error').filter({ hasText: 'whole number' }).waitFor();
    expect((await admin<{ items: unknown[] }>('GET', '/clients')).items).toEqual([]);

    await dialog.getByLabel('Requests per minute').fill('600');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    await dialog.getByText('It is shown only once').waitFor();
    await dialog.getByRole('button', { name: 'Done, I stored the key' }).click();
    await page.getByRole('heading', { name: 'typo-limits', level: 1 }).waitFor();
    expect((await admin<{ items: { rate_limit_rpm: number | null }[] }>('GET', '/clients')).items).toEqual([expect.objectContaining({ rate_limit_rpm: 600 })]);
  });

  it('retries only the key when the client was created but its key was not', async () => {
    await nav('API clients');
    // the first key request fails as it would while the database blips
    await page.route(
      '**/api/admin/clients/*/keys',
      (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'database_unavailable', message: 'The database is unreachable', details: [] } }),
        }),
      { times: 1 },
    );
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('key-retry');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    await dialog.getByText('The client was created, but not its key').waitFor();
    await dialog.getByRole('button', { name: 'Create its key' }).click();
    await dialog.getByText('It is shown only once').waitFor();
    await dialog.getByRole('button', { name: 'Done, I stored the key' }).click();
    await page.getByRole('heading', { name: 'key-retry', level: 1 }).waitFor();
    const clients = (await admin<{ items: { name: string }[] }>('GET', '/clients')).items.filter((c) => c.name === 'key-retry');
    expect(clients).toHaveLength(1);
    await nav('API clients');
    await page.getByRole('link', { name: 'typo-limits', exact: true }).click();
    await page.getByRole('heading', { name: 'typo-limits', level: 1 }).waitFor();
  });

  it('keeps a client limit when a typo is saved over it, and says which field is wrong', async () => {
    const form = page.getByRole('form', { name: 'Client settings' });
    await form.getByLabel('Requests per minute').fill('6OO');
    await form.getByLabel('Tokens per minute').fill('1000');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.locator('.field-error').filter({ hasText: 'whole number' }).waitFor();
    expect(await form.locator('.field-error').count()).toBe(1);
    const client = (await admin<{ items: { name: string; rate_limit_rpm: number | null; rate_limit_tpm: number | null }[] }>('GET', '/clients')).items.find(
      (c) => c.name === 'typo-limits',
    );
    expect(client).toMatchObject({ rate_limit_rpm: 600, rate_limit_tpm: null });
  });

  it('tells an operator who types a percentage as the alert threshold that it is at most 1', async () => {
    const form = page.getByRole('form', { name: 'Client settings' });
    await form.getByLabel('Requests per minute').fill('600');
    await form.getByLabel('Alert threshold').fill('80');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.locator('.field-error').filter({ hasText: 'budget_alert_threshold must be at most 1' }).waitFor();
  });

  it('keeps a provider timeout when a typo is saved over it', async () => {
    await navDiscardingEdits('Providers');
    const card = page.getByRole('form', { name: 'mock settings' });
    const before = await card.getByLabel('Timeout (ms)').inputValue();
    await card.getByLabel('Timeout (ms)').fill('30s');
    await card.getByRole('button', { name: /^Save/ }).click();
    await card.locator('.field-error').filter({ hasText: 'whole number' }).waitFor();
    const providers = await admin<{ items: { name: string; timeout_ms: number }[] }>('GET', '/providers');
    expect(providers.items.find((p) => p.name === 'mock')?.timeout_ms).toBe(Number(before));
  });

  it('drops a connection test result once the provider settings it tested are replaced', async () => {
    const card = page.getByRole('form', { name: 'mock settings' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await card.getByLabel('Timeout (ms)').fill('15000');
    await card.getByRole('button', { name: /^Save/ }).click();
    await card.getByRole('status').waitFor({ state: 'detached' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  });

  it('names a bad model name or rate at its own field in the price form, once', async () => {
    await page.getByRole('button', { name: 'Add a price' }).click();
    const form = page.getByRole('form', { name: 'Edit price' });
    const model = form.locator('.field').filter({ has: page.getByLabel('Model', { exact: true }) });
    await form.getByLabel('Model', { exact: true }).fill('echo');
    await form.getByLabel('Input USD per 1M tokens').fill('1');
    await form.getByLabel('Output USD per 1M tokens').fill('2');
    await form.getByRole('button', { name: 'Save price' }).click();
    await model.locator('.field-error').filter({ hasText: 'provider/model' }).waitFor();
    expect(await form.getByRole('alert').count()).toBe(1);

    await form.getByLabel('Model', { exact: true }).fill('mock/echo-2');
    await form.getByLabel('Input USD per 1M tokens').fill('-1');
    await form.getByRole('button', { name: 'Save price' }).click();
    const input = form.locator('.field').filter({ has: page.getByLabel('Input USD per 1M tokens') });
    await input.locator('.field-error').filter({ hasText: 'must not be negative' }).waitFor();
    expect(await form.getByRole('alert').count()).toBe(1);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('brings a row’s price form into view with the focus in it, and gives the focus back to that row’s Edit when it closes', async () => {
    await page.goto(`${t.url}/providers`);
    const edit = page.getByRole('button', { name: 'Edit price of openai/o4-mini' });
    // the row is far down the table, the form opens above the table
    await edit.click();
    const input = page.getByRole('form', { name: 'Edit price' }).getByLabel('Input USD per 1M tokens');
    await input.waitFor();
    const focused = (l: typeof input) => l.evaluate((el) => el === document.activeElement);
    expect(await focused(input)).toBe(true);
    expect(await input.evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);

    await page.getByRole('form', { name: 'Edit price' }).getByRole('button', { name: 'Cancel' }).click();
    await input.waitFor({ state: 'detached' });
    expect(await focused(edit)).toBe(true);
  });

  it('says so when a console price cannot be reset, and resets it once the server is reached', async () => {
    await admin('PUT', '/prices', { prices: { 'mock/embed': { input_per_m: '0.5', output_per_m: '0' } } });
    await page.goto(`${t.url}/providers`);
    const reset = page.getByRole('button', { name: 'Reset price of mock/embed' });
    await page.route('**/api/admin/prices', (route) => (route.request().method() === 'PUT' ? route.abort('connectionrefused') : route.continue()));
    try {
      await reset.click();
      await page.locator('.toast').filter({ hasText: 'mock/embed: console price not removed. LLMHub could not be reached' }).waitFor();
    } finally {
      await page.unroute('**/api/admin/prices');
    }
    await reset.click();
    await page.locator('.toast').filter({ hasText: 'mock/embed: console price removed' }).waitFor();
    await reset.waitFor({ state: 'detached' });
  });

  it('shows a refused label move under the labels, not in the A/B weights form or at the New label field', async () => {
    const { id } = await admin<{ id: string }>('POST', '/templates', { name: 'two-versions', body: 'Hello' });
    await admin('POST', `/templates/${id}/versions`, { body: 'Hello there' });
    await admin('PATCH', `/templates/${id}`, { ab_weights: { '1': 50, '2': 50 } });
    await nav('Templates');
    await page.getByRole('link', { name: 'two-versions', exact: true }).click();
    await page.getByRole('tab', { name: 'Labels & A/B' }).click();
    // while an A/B test runs, the API refuses to move production (409)
    await page.getByLabel('Version of label production').selectOption('2');
    await page.getByRole('alert').filter({ hasText: 'A/B test' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(1);
    expect(await page.getByRole('form', { name: 'A/B weights' }).getByRole('alert').count()).toBe(0);

    // and a weights error stays in the weights form
    await page.getByLabel('Weight of v1').fill('-5');
    await page.getByRole('button', { name: 'Save weights' }).click();
    await page.getByRole('form', { name: 'A/B weights' }).getByRole('alert').waitFor();
    expect(await page.getByRole('alert').count()).toBe(1);
  });

  it('names each malformed placeholder of a new template at the Body field, with its line and column', async () => {
    await navDiscardingEdits('Templates');
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    const body = dialog.locator('.field').filter({ has: page.getByLabel('Body', { exact: true }) });
    await dialog.getByLabel('Template name').fill('greeting-syntax');
    await dialog.getByLabel('Body', { exact: true }).fill('Dear {{ person }},\nHello {{ broken and {{ }}');
    await dialog.getByRole('button', { name: 'Create template' }).click();
    await body.locator('.field-error').filter({ hasText: "unclosed '{{' at line 2, column 7" }).waitFor();
    expect(await body.locator('.field-error').textContent()).toContain("empty placeholder '{{ }}' at line 2, column 21");
    expect(await dialog.getByRole('alert').count()).toBe(1);

    // a backslash makes a {{ literal: no variable detected for it, nothing refused
    await dialog.getByLabel('Body', { exact: true }).fill('Dear {{ person }},\nHello \\{{ example }}');
    expect(await dialog.getByLabel('Detected variables').locator('.badge').allTextContents()).toEqual(['person']);
    await dialog.getByRole('button', { name: 'Create template' }).click();
    await page.getByRole('heading', { name: 'greeting-syntax', level: 1 }).waitFor();
  });

  it('names a body of only whitespace at the Body field, for a new template and a new version, and saves neither', async () => {
    const { id } = await admin<{ id: string }>('POST', '/templates', { name: 'blank-version', body: 'Hello' });
    await nav('Templates');
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    const bodyField = (scope: typeof dialog) => scope.locator('.field').filter({ has: page.getByLabel('Body', { exact: true }) });
    await dialog.getByLabel('Template name').fill('blank-body');
    await dialog.getByLabel('Body', { exact: true }).fill('  \n\t ');
    await dialog.getByRole('button', { name: 'Create template' }).click();
    await bodyField(dialog).locator('.field-error').filter({ hasText: 'body must not be empty or only whitespace' }).waitFor();
    expect(await dialog.getByRole('alert').count()).toBe(1);
    expect((await admin<{ items: { name: string }[] }>('GET', '/templates')).items.map((x) => x.name)).not.toContain('blank-body');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'blank-version', exact: true }).click();
    await page.getByRole('tab', { name: 'New version' }).click();
    const editor = page.getByRole('form', { name: 'New version' });
    await editor.getByLabel('Body', { exact: true }).fill('   ');
    await editor.getByRole('button', { name: 'Save as new version' }).click();
    await bodyField(editor).locator('.field-error').filter({ hasText: 'body must not be empty or only whitespace' }).waitFor();
    expect((await admin<{ versions: unknown[] }>('GET', `/templates/${id}`)).versions).toHaveLength(1);
    // back to the body it was loaded with: nothing unsaved is left for the next test
    await editor.getByLabel('Body', { exact: true }).fill('Hello');
  });

  it('refuses A/B weights over versions that require different variables in the weights form, naming the variable and the versions', async () => {
    const { id } = await admin<{ id: string }>('POST', '/templates', {
      name: 'split-variables',
      body: 'Hello {{ who }}',
      variables: [{ name: 'who', required: true }],
    });
    await admin('POST', `/templates/${id}/versions`, {
      body: 'Hello {{ who }} from {{ place }}',
      variables: [
        { name: 'who', required: true },
        { name: 'place', required: true },
      ],
    });
    await nav('Templates');
    await page.getByRole('link', { name: 'split-variables', exact: true }).click();
    await page.getByRole('tab', { name: 'Labels & A/B' }).click();
    const weights = page.getByRole('form', { name: 'A/B weights' });
    await page.getByLabel('Weight of v1').fill('50');
    await page.getByLabel('Weight of v2').fill('50');
    await weights.getByRole('button', { name: 'Save weights' }).click();
    await weights.getByRole('alert').filter({ hasText: 'variable "place" is required by version 2 but not by version 1' }).waitFor();
    expect(await admin('GET', `/templates/${id}`)).toMatchObject({ ab_weights: null });
    await page.getByLabel('Weight of v1').fill('');
    await page.getByLabel('Weight of v2').fill('');
  });

  it('warns on the template’s page about a split an earlier release saved over versions that require different variables, until it ends', async () => {
    const { id } = await admin<{ id: string }>('POST', '/templates', {
      name: 'old-split',
      body: 'Hi {{ who }}',
      variables: [{ name: 'who', required: true }],
    });
    await admin('POST', `/templates/${id}/versions`, {
      body: 'Hi {{ who }} in {{ city }}',
      variables: [
        { name: 'who', required: true },
        { name: 'city', required: true },
      ],
    });
    // the API refuses this split now; an earlier release stored it
    const pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    try {
      await pg.query(`UPDATE prompt_templates SET ab_weights = '{"1": 50, "2": 50}' WHERE id = $1`, [id]);
    } finally {
      await pg.end();
    }
    await nav('Templates');
    await page.getByRole('link', { name: 'old-split', exact: true }).click();
    const warning = page.getByRole('region', { name: 'Template warnings' });
    await warning.filter({ hasText: 'variable "city" is required by version 2 but not by version 1' }).waitFor();
    expect(await warning.getByRole('code').allTextContents()).toEqual(['ab_weights']);

    await page.getByRole('tab', { name: 'Labels & A/B' }).click();
    await page.getByLabel('Weight of v1').fill('');
    await page.getByLabel('Weight of v2').fill('');
    await page.getByRole('form', { name: 'A/B weights' }).getByRole('button', { name: 'Save weights' }).click();
    await warning.waitFor({ state: 'detached' });
    expect(await admin('GET', `/templates/${id}`)).toMatchObject({ ab_weights: null, warnings: [] });
  });

  it('copies a new key on a plain-HTTP origin, and keeps it on screen until the operator says it is stored', async () => {
    // http://<host>:4000 is not a secure origin: the browser offers no Clipboard API there
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    await context.addInitScript(() => {
      const w = window as unknown as { realClipboard: Clipboard };
      w.realClipboard = navigator.clipboard;
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
    });
    const plain = await context.newPage();
    await plain.goto(`${t.url}/clients`);
    await plain.getByLabel('Admin token').fill(t.adminToken);
    await plain.getByRole('button', { name: 'Sign in' }).click();
    await plain.getByRole('button', { name: 'New client' }).click();
    const dialog = plain.getByRole('dialog');
    await dialog.getByLabel('Name').fill('plain-http');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    const key = await dialog.getByLabel('New API key').inputValue();
    await dialog.getByRole('button', { name: 'Copy key' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await plain.evaluate(() => (window as unknown as { realClipboard: Clipboard }).realClipboard.readText())).toBe(key);

    // a stray Escape or click beside the dialog does not throw the key away
    await plain.keyboard.press('Escape');
    await plain.mouse.click(5, 5);
    expect(await dialog.getByLabel('New API key').inputValue()).toBe(key);
    expect(await dialog.getByRole('button', { name: 'Close' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Done, I stored the key' }).click();
    await plain.getByRole('heading', { name: 'plain-http', level: 1 }).waitFor();

    // the same for a rotated key
    await plain.getByRole('button', { name: /^Rotate key/ }).click();
    await plain.getByRole('dialog').getByRole('button', { name: 'Rotate key' }).click();
    const rotated = plain.getByRole('dialog', { name: 'Rotated: your new API key' });
    await rotated.getByLabel('New API key').waitFor();
    await plain.keyboard.press('Escape');
    await rotated.getByRole('button', { name: 'Done, I stored the key' }).click();
    await rotated.waitFor({ state: 'detached' });
    await context.close();
  });
});
