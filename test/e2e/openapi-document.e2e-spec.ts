import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOpenApiDocument } from '../../src/common/openapi/openapi.setup';
import { startTestApp, TestApp } from '../support/app';

const COMMITTED = join(__dirname, '..', '..', 'sdk', 'openapi.json');

/**
 * sdk/openapi.json is committed and must match what the code
 * serves. `npm run openapi` rewrites it; this test fails when it is stale.
 */
describe('the committed OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches the document the app serves at /openapi.json', async () => {
    const generated = `${JSON.stringify(createOpenApiDocument(t.app), null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(COMMITTED, generated);
    const committed = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : '';
    if (committed !== generated) {
      throw new Error('sdk/openapi.json is stale: run `npm run openapi` and commit the result');
    }
    const served = await (await fetch(`${t.url}/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(generated));
  });
});
