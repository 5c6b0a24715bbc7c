import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app';

const COMMITTED = join(__dirname, '..', '..', 'sdk', 'openapi.json');

/**
 * sdk/openapi.json is committed and must be what the running app serves
 * (`npm run openapi` rewrites it; test/unit/common/openapi/sdk-sync.spec.ts
 * checks it against the code without a database).
 */
describe('the committed OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is the document the app serves at /openapi.json', async () => {
    const served = await (await fetch(`${t.url}/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(readFileSync(COMMITTED, 'utf8')));
  });
});
