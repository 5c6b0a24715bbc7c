import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const INDEX = '<!doctype html><title>LLMHub console</title><div id="root"></div>';

/**
 * Unknown paths answer the JSON 404 envelope; the console's index.html is only
 * for a browser navigating to a console route (deep links into the console).
 */
describe('unknown paths and the console fallback (e2e)', () => {
  let t: TestApp;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'llmhub-console-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log("console")');
    // npm start's record of the console build (source paths and hashes): not for the public
    writeFileSync(join(dist, '.build-stamp.json'), '{"inputs":{"client/src/main.tsx":"hash"}}');
    t = await startTestApp({}, { consoleDir: dist });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it.each(['/clients', '/templates/foo', '/'])('serves index.html for a browser navigation to the console route %s', async (path) => {
    const res = await fetch(`${t.url}${path}`, { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(INDEX);
  });

  it('serves the console’s files to any client', async () => {
    const res = await fetch(`${t.url}/assets/app.js`, { headers: { accept: '*/*' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log("console")');
  });

  it('never serves a dot-file of the console folder (the build stamp)', async () => {
    const res = await fetch(`${t.url}/.build-stamp.json`, { headers: { accept: '*/*' } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('client/src/main.tsx');
    const navigation = await fetch(`${t.url}/.build-stamp.json`, { headers: BROWSER });
    expect(await navigation.text()).toBe(INDEX);
  });

  it.each(['/api/nothing-here', '/api/v1/nope', '/v1/nope', '/openai/v1/nope', '/health/nope'])(
    'answers GET %s from a browser with the JSON 404, not the console',
    async (path) => {
      const res = await fetch(`${t.url}${path}`, { headers: BROWSER });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    },
  );

  it('answers an unknown /api path with the /api 404 envelope', async () => {
    const res = await fetch(`${t.url}/api/nothing-here`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found', details: [] }, request_id: expect.any(String) });
  });

  it('answers an unknown /v1 or /openai/v1 path in the OpenAI error shape', async () => {
    for (const path of ['/v1/nope', '/openai/v1/nope']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found', type: 'invalid_request_error' } });
    }
  });

  it.each(['/clients', '/templates/foo', '/missing.js'])(
    'answers %s with the JSON 404 when the request does not accept HTML (curl, fetch, SDKs)',
    async (path) => {
      const res = await fetch(`${t.url}${path}`, { headers: { accept: '*/*' } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    },
  );

  it('answers the root asked as curl asks it with a 404 that says the console is for browsers and where the API is described', async () => {
    const res = await fetch(`${t.url}/`, { headers: { accept: '*/*' } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('The console is served here to a browser');
    expect(body.error.message).toContain('/docs');
  });

  it('answers a POST to a console route with the JSON 404, even from a browser', async () => {
    const res = await fetch(`${t.url}/clients`, { method: 'POST', headers: { ...BROWSER, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('still serves the API docs and the document to a browser', async () => {
    const docs = await fetch(`${t.url}/docs`, { headers: BROWSER });
    expect(docs.status).toBe(200);
    expect(await docs.text()).not.toBe(INDEX);
    const doc = await fetch(`${t.url}/openapi.json`, { headers: BROWSER });
    expect((await doc.json()).openapi).toMatch(/^3\./);
  });
});
