import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '@test/support/app';

/** Helmet's headers on every kind of response: the admin API, the gateway, the console. */
describe('security headers (e2e)', () => {
  let t: TestApp;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'llmhub-console-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>LLMHub console</title><div id="root"></div>');
    t = await startTestApp({}, { consoleDir: dist });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it.each([
    ['/api/admin/clients', { authorization: 'Bearer wrong' }],
    ['/api/health', {}],
    ['/v1/models', {}],
    ['/', { accept: 'text/html' }],
    ['/docs', { accept: 'text/html' }],
  ])('%s carries the CSP, nosniff, frame and referrer headers', async (path, headers) => {
    const res = await fetch(`${t.url}${path}`, { headers });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
