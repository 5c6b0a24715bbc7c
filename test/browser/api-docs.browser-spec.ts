import { Browser, Page } from 'playwright-core';
import { startTestApp, TestApp } from '@test/support/app';
import { browserAvailable, launchBrowser } from '@test/support/browser';

const run = browserAvailable() ? describe : describe.skip;

/** Swagger UI and ReDoc render under the server's Content-Security-Policy, with nothing refused. */
run('API reference pages under the CSP in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Opens the page, collecting console errors and CSP violations (reported from inside the page). */
  async function open(path: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.exposeFunction('reportViolation', (v: string) => problems.push(`csp: ${v}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const res = await page.goto(`${t.url}${path}`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    return { page, problems };
  }

  it('renders Swagger UI at /docs with the operations listed', async () => {
    const { page, problems } = await open('/docs');
    await page.locator('.opblock-summary-path', { hasText: '/v1/chat/completions' }).first().waitFor({ timeout: 20_000 });
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
    await page.close();
  }, 40_000);

  it('renders ReDoc at /redoc with its search (a blob: worker) working', async () => {
    const { page, problems } = await open('/redoc');
    await page
      .getByRole('heading', { name: /LLMHub/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByPlaceholder('Search...').fill('completions');
    await page.locator('[role="search"] li, .search-results li, [data-role="search:results"] li').first().waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
