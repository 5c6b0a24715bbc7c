import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContextOptions, chromium, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests need Debian's Chromium. On a developer machine without it they
 * are skipped with a note; in CI (CI=true) its absence is a failure.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM_PATH}: .ci/run installs it with apt-get`);
  process.stderr.write(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)\n`);
  return false;
}

/** The console as the server serves it: built once if client/dist is missing. */
export function ensureConsoleBuilt(): void {
  const root = join(__dirname, '..', '..');
  if (existsSync(join(root, 'client', 'dist', 'index.html'))) return;
  // vite's package exports do not include its bin, so it is found on disk
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The admin API as a browser test's set-up sees it: JSON in and out, a failure thrown with its status and body. */
export async function adminRequest<T>(app: { url: string; adminToken: string }, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${app.url}/api/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${app.adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Signs `page` in to `app`'s console with the admin token, from its sign-in page, and waits for the Dashboard. */
export async function signIn(page: Page, app: { url: string; adminToken: string }): Promise<void> {
  await page.goto(`${app.url}/`);
  await page.getByLabel('Admin token').fill(app.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}

/** A page of a new 1280×800 browser context (with `context` options on top), signed in (signIn); `timeoutMs` is its default timeout when given. */
export async function signedInPage(
  browser: Browser,
  app: { url: string; adminToken: string },
  timeoutMs?: number,
  context: BrowserContextOptions = {},
): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, ...context })).newPage();
  if (timeoutMs !== undefined) page.setDefaultTimeout(timeoutMs);
  await signIn(page, app);
  return page;
}

/** Opens a console page by its link in the navigation and waits for its heading. */
export async function navigate(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}
