import { Browser, Page } from 'playwright-core';
import OpenAI from 'openai';
import { startTestApp, TestApp } from '../support/app';
import { browserAvailable, ensureConsoleBuilt, launchBrowser, navigate, signedInPage } from '../support/browser';

const run = browserAvailable() ? describe : describe.skip;

/**
 * An operator's first key, made on the console: the dialog that shows it once also says where an
 * app sends it, and what it says works as written (the next question was "and now what?").
 */
run('a first API key made on the console, in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let key = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    // as a fresh start: the mock provider on only while no other provider has a key
    t = await startTestApp({ MOCK_PROVIDER: 'auto' });
    browser = await launchBrowser();
    page = await signedInPage(browser, t, 10_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('draws the error rate of a day without errors on an axis that stops at 100%', async () => {
    // before any call: no hour has an error
    await navigate(page, 'Dashboard');
    const ticks = page.getByRole('img', { name: 'Error rate per hour in percent' }).locator('.recharts-yAxis-tick-labels text');
    await ticks.filter({ hasText: /^100(\.0)?%$/ }).waitFor();
    const percents = (await ticks.allTextContents()).map((tick) => Number(tick.replace('%', '')));
    // it ran to 400% with no error at all
    expect(Math.max(...percents)).toBe(100);
    await page
      .getByRole('img', { name: /^Error rate per hour in percent/ })
      .getByText('No errors in the last 24 h')
      .waitFor();
  });

  it('says in words that nothing was spent, on a cost axis that stops at $0', async () => {
    await navigate(page, 'Dashboard');
    for (const [name, text] of [
      ['Cost per hour in USD', 'No spend in the last 24 h'],
      ['Cost per day in USD', 'No spend in the last 30 days'],
      ['Requests and errors per hour', 'No requests in the last 24 h'],
    ]) {
      const chart = page.getByRole('img', { name: new RegExp(`^${name}`) });
      await chart.getByText(text).waitFor();
      // an all-zero series was drawn on a made-up $0–$4 axis, which reads as money spent
      const ticks = await chart.locator('.recharts-yAxis-tick-labels text').allTextContents();
      expect(ticks.map((t) => t.replace(/[^0-9.]/g, '')).map(Number)).toEqual([0]);
    }
  });

  it('shows the key with the base URL the OpenAI SDK takes, and a call made that way is answered', async () => {
    await navigate(page, 'API clients');
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('first-app');
    await dialog.getByRole('button', { name: 'Create client and key' }).click();
    key = await dialog.getByTestId('new-api-key').inputValue();
    const usage = (await dialog.getByTestId('key-usage').textContent()) ?? '';
    expect(usage).toContain('Authorization: Bearer');
    const baseURL = /baseURL (\S+\/v1),/.exec(usage)?.[1];
    expect(baseURL).toBe(`${t.url}/v1`);

    const openai = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
    const res = await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.choices[0].message.content).toBe('Echo: hello');
  });

  it('names the app that made a template on the Templates page, linked to its client', async () => {
    const res = await fetch(`${t.url}/api/v1/prompts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'tagline', body: 'Write a tagline for {{ product }}.', variables: [{ name: 'product', required: true }] }),
    });
    expect(res.status).toBe(201);
    await page.getByRole('dialog').getByRole('button', { name: 'Done, I stored the key' }).click();
    await navigate(page, 'Templates');
    const row = page.getByRole('table', { name: 'Templates' }).getByRole('row', { name: /tagline/ });
    // the owner was shown as the first 8 characters of the client's id
    await row.getByRole('link', { name: 'first-app', exact: true }).click();
    await page.getByRole('heading', { name: 'first-app', level: 1 }).waitFor();
  });

  it('says on the mock card why mock/echo stopped answering once a provider key was saved', async () => {
    await navigate(page, 'Providers');
    const note = page.getByTestId('mock-note');
    await note.getByText(/^The built-in mock needs no key and answers mock\/echo\./).waitFor();

    const openai = page.getByRole('form', { name: 'openai settings' });
    await openai.getByLabel('API key').fill('sk-first-real-key');
    await openai.getByRole('button', { name: 'Save' }).click();
    await page.getByText('openai saved', { exact: true }).waitFor();
    // the mock card only said "not configured", beside an empty key field
    await note.getByText(/^Off\. Unless LLMHub runs with MOCK_PROVIDER=on, it goes off once another provider has a key/).waitFor();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status).toBe(400);
  });
});
