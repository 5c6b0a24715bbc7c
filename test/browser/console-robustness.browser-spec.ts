import { Browser, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../support/app';
import { adminRequest, browserAvailable, ensureConsoleBuilt, launchBrowser, navigate, signedInPage } from '../support/browser';

const run = browserAvailable() ? describe : describe.skip;

interface ClientDto {
  id: string;
  name: string;
}
interface KeyDto {
  id: string;
  name: string;
  status: string;
  expires_at: string | null;
}

/**
 * What an operator's hands do that the happy path does not: a double click on a button that creates
 * something, a narrow phone screen.
 */
run('the console under an operator’s hands in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const admin = <T>(method: string, path: string, body?: unknown): Promise<T> => adminRequest<T>(t, method, path, body);
  const nav = (label: string) => navigate(page, label);

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

  it('creates one client, one key and one rotation on a double click, and shows the key each made', async () => {
    await nav('API clients');
    await page.getByRole('button', { name: 'New client' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('double-clicker');
    await dialog.getByRole('button', { name: 'Create client and key' }).dblclick();
    await dialog.getByText('It is shown only once').waitFor();
    await dialog.getByRole('button', { name: 'Done, I stored the key' }).click();
    await page.getByRole('heading', { name: 'double-clicker', level: 1 }).waitFor();
    const client = (await admin<{ items: ClientDto[] }>('GET', '/clients')).items.find((c) => c.name === 'double-clicker')!;
    const keys = async () => (await admin<{ items: KeyDto[] }>('GET', `/clients/${client.id}/keys`)).items;
    expect(await keys()).toHaveLength(1);

    await page.getByRole('button', { name: 'New key' }).click();
    dialog = page.getByRole('dialog', { name: 'New key' });
    await dialog.getByLabel('Key name').fill('staging');
    await dialog.getByRole('button', { name: 'Create key' }).dblclick();
    dialog = page.getByRole('dialog', { name: 'Your new API key' });
    await dialog.getByText('It is shown only once').waitFor();
    await dialog.getByRole('button', { name: 'Done, I stored the key' }).click();
    await page.getByRole('cell', { name: 'staging' }).waitFor();
    expect((await keys()).filter((k) => k.name === 'staging')).toHaveLength(1);

    const staging = (await keys()).find((k) => k.name === 'staging')!;
    const prefix = (await page.getByRole('row').filter({ hasText: 'staging' }).locator('code').textContent())!.replace('…', '');
    await page.getByRole('button', { name: `Rotate key ${prefix}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate key' }).dblclick();
    // the key the rotation made stays on screen: a second rotation does not replace it with its refusal
    dialog = page.getByRole('dialog', { name: 'Rotated: your new API key' });
    await dialog.getByText('It is shown only once').waitFor();
    await page.waitForTimeout(500);
    await dialog.getByText('It is shown only once').waitFor();
    await dialog.getByRole('button', { name: 'Done, I stored the key' }).click();
    const after = await keys();
    expect(after.filter((k) => k.name === 'staging')).toHaveLength(2);
    expect(after.find((k) => k.id === staging.id)?.expires_at).not.toBeNull();
  });

  it('saves one template and one new version on a double click', async () => {
    await nav('Templates');
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    await dialog.getByLabel('Template name').fill('double-saved');
    await dialog.getByLabel('Body').fill('Hello {{ name }}');
    await dialog.getByLabel('Model').fill('mock/echo');
    await dialog.getByRole('button', { name: 'Create template' }).dblclick();
    await page.getByRole('heading', { name: 'double-saved', level: 1 }).waitFor();
    const templates = (await admin<{ items: { id: string; name: string }[] }>('GET', '/templates')).items.filter((x) => x.name === 'double-saved');
    expect(templates).toHaveLength(1);

    await page.getByRole('tab', { name: 'New version' }).click();
    const editor = page.getByRole('form', { name: 'New version' });
    await editor.getByLabel('Body').fill('Hello again {{ name }}');
    await editor.getByRole('button', { name: 'Save as new version' }).dblclick();
    await page.getByRole('tab', { name: 'Versions', selected: true }).waitFor();
    await page.waitForTimeout(500);
    const detail = await admin<{ versions: unknown[] }>('GET', `/templates/${templates[0].id}`);
    expect(detail.versions).toHaveLength(2);
  });

  it('fits a 375 px screen: a wide table scrolls in its card, the page does not scroll sideways', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      const client = await admin<ClientDto>('POST', '/clients', { name: 'narrow-screen' });
      await admin('POST', `/clients/${client.id}/keys`, { name: 'phone' });
      for (const [path, table] of [
        ['/providers', 'Prices per million tokens'],
        [`/clients/${client.id}`, 'API keys'],
      ]) {
        await page.goto(`${t.url}${path}`);
        await page.getByRole('table', { name: table }).waitFor();
        // the "Actions" header is visually hidden, and used to hang off the table's far end, widening the page
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(375);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('wraps a long client name without spaces in its page’s heading and its Delete dialog instead of widening the page', async () => {
    const name = 'acmecorporationproductionbackendservice'.repeat(4);
    const client = await admin<ClientDto>('POST', '/clients', { name, description: name });
    await page.goto(`${t.url}/clients/${client.id}`);
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await pageWidth()).toBe(1280);

    await page.getByRole('button', { name: 'Delete client' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
    await dialog.waitFor();
    const box = await dialog.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(1280);
    expect(await pageWidth()).toBe(1280);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('keeps the figures beside a long client name in view in Billing, its chart legend inside the page', async () => {
    const name = 'globexwarehouseintegrationworker'.repeat(5);
    const client = await admin<ClientDto>('POST', '/clients', { name });
    const { key } = await admin<{ key: string }>('POST', `/clients/${client.id}/keys`, {});
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status).toBe(200);

    await page.goto(`${t.url}/billing?group_by=client`);
    const row = page.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1280);
    // the row's last cell, its cost, is inside the table's card without scrolling it
    const cost = await row.getByRole('cell').last().boundingBox();
    const card = await page.locator('.table-wrap').filter({ has: row }).boundingBox();
    expect(cost && card && cost.x + cost.width).toBeLessThanOrEqual((card?.x ?? 0) + (card?.width ?? 0));
  });

  it('names a From in the future, or after To, at its field in Logs and Billing instead of asking the API and showing its refusal', async () => {
    const refused: string[] = [];
    const onResponse = (r: { status(): number; url(): string }) => r.status() === 422 && refused.push(r.url());
    page.on('response', onResponse);
    try {
      await nav('Logs');
      const from = page.getByRole('group', { name: 'Log filters' }).getByLabel('From', { exact: true });
      // the picker offers no time after now
      expect(await from.getAttribute('max')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
      const nextYear = new Date().getFullYear() + 1;
      await from.fill(`${nextYear}-01-01T10:00`);
      await page.locator('.field-error').getByText('Must be in the past').waitFor();
      await page.getByText('No calls can match this time range').waitFor();
      expect(await from.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByText('Could not load this').count()).toBe(0);
      // a To after it makes the range one that can match
      await page.getByRole('group', { name: 'Log filters' }).getByLabel('To', { exact: true }).fill(`${nextYear}-02-01T10:00`);
      await page.getByText('No calls match', { exact: true }).waitFor();
      expect(await page.getByText('Must be in the past').count()).toBe(0);

      await page.goto(`${t.url}/billing?from=2025-03-01&to=2025-02-01`);
      await page.getByText('No usage can match this range').waitFor();
      const billingFrom = page.getByLabel('From (UTC day)');
      expect(await billingFrom.getAttribute('aria-invalid')).toBe('true');
      expect(await billingFrom.getAttribute('max')).toBe('2025-01-31');
      expect(await page.getByText('Could not load this').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Export CSV' }).isDisabled()).toBe(true);
      expect(refused).toEqual([]);
    } finally {
      page.off('response', onResponse);
    }
  });

  it('empties the typed Logs filters when Clear filters clears the list’s, so no field names a filter that is not applied', async () => {
    await nav('Logs');
    const filters = page.getByRole('group', { name: 'Log filters' });
    await filters.getByLabel('Provider').fill('openai');
    await filters.getByLabel('Model', { exact: true }).fill('gpt-4o');
    await filters.getByLabel('Model', { exact: true }).press('Enter');
    await page.waitForURL(/model=gpt-4o/);
    expect(page.url()).toContain('provider=openai');
    // Enter applied the filter and left the operator in the field
    expect(await filters.getByLabel('Model', { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);

    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => url.search === '');
    expect(await filters.getByLabel('Provider').inputValue()).toBe('');
    expect(await filters.getByLabel('Model', { exact: true }).inputValue()).toBe('');
  });

  it('gives focus back to the button that opened a dialog when it closes, by Escape or by its own buttons', async () => {
    const client = await admin<ClientDto>('POST', '/clients', { name: 'keyboard-only' });
    await admin('POST', `/clients/${client.id}/keys`, { name: 'kbd' });
    await page.goto(`${t.url}/clients/${client.id}`);
    const revoke = page.getByRole('button', { name: /^Revoke key / });
    await revoke.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /^Revoke key/ });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await revoke.evaluate((el) => el === document.activeElement)).toBe(true);

    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await revoke.evaluate((el) => el === document.activeElement)).toBe(true);

    // a revoked key's row has no buttons left: focus goes to the page, not to <body>
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'revoked' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });
});
