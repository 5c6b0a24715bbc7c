import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/** Enough calls that an outcome left to the random pick between two even arms would show both ways (2 × 0.5^40). */
const CALLS = 40;

/**
 * A call routed by an A/B split is checked against every version the split serves, so whether it is
 * refused never depends on which version the pick lands on: splits saved before splits over versions
 * requiring different variables were refused (stored as an old release left them) refuse a call
 * missing what any version requires, every time; a variable only some versions declare is accepted,
 * and ignored by the others.
 */
describe('calls through A/B splits whose versions declare different variables', () => {
  let t: TestApp;
  let pg: Client;
  let key: string;
  let legacyId: string;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const as = () => ({ 'X-API-Key': key });
  const render = (name: string, body: Record<string, unknown>) => request(t.url).post(`/api/v1/prompts/${name}/render`).set(as()).send(body);
  const product = { name: 'product', required: true };

  /** Creates a template whose versions have these texts and variables (version 1 first). */
  const createTemplate = async (name: string, versions: { body: string; variables: Record<string, unknown>[] }[]): Promise<string> => {
    const [first, ...rest] = versions;
    const created = await request(t.url)
      .post('/api/v1/prompts')
      .set(as())
      .send({ name, ...first, provider: 'mock', model: 'echo' })
      .expect(201);
    for (const version of rest) await request(t.url).post(`/api/v1/prompts/${name}/versions`).set(as()).send(version).expect(201);
    return created.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'ab-uneven' }).expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201)).body.key;
    legacyId = await createTemplate('legacy', [
      { body: 'A tagline for {{ product }}', variables: [product] },
      { body: 'A tagline for {{ product }} aimed at {{ audience }}', variables: [product, { name: 'audience', required: true }] },
    ]);
    // what an earlier release let a caller save, and the API now refuses: splits between versions 1 and 2
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    await pg.query(`UPDATE prompt_templates SET ab_weights = '{"1": 50, "2": 50}' WHERE id = $1`, [legacyId]);
    await pg.query(`INSERT INTO prompt_labels (template_id, label, weights) VALUES ($1, 'canary', '{"1": 1, "2": 1}')`, [legacyId]);
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  describe('a split saved before it would have been refused', () => {
    it('refuses every call missing a variable one of its versions requires, naming the variable and the version', async () => {
      for (let i = 0; i < CALLS; i++) {
        const res = await render('legacy', { variables: { product: 'LLMHub' } }).expect(422);
        expect(res.body.error.details).toEqual([
          { field: 'variables.audience', message: 'required variable "audience" is missing: version 2 of the A/B split in ab_weights requires it' },
        ]);
      }
      const viaLabel = await render('legacy', { variables: { product: 'LLMHub' }, label: 'canary' }).expect(422);
      expect(viaLabel.body.error.details).toEqual([
        {
          field: 'variables.audience',
          message: 'required variable "audience" is missing: version 2 of the A/B split in label_weights.canary requires it',
        },
      ]);
    });

    it('refuses every such generation before any provider is called', async () => {
      for (let i = 0; i < CALLS; i++) {
        const res = await request(t.url)
          .post('/api/v1/llm/generate')
          .set(as())
          .send({ template: 'legacy', variables: { product: 'LLMHub' } })
          .expect(422);
        expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'variables.audience' })]);
      }
    });

    it('serves every call that gives what all its versions require, from both versions', async () => {
      const served = new Set<number>();
      for (let i = 0; i < CALLS; i++) {
        const res = await render('legacy', { variables: { product: 'LLMHub', audience: 'developers' } }).expect(200);
        expect(res.body.prompt).toBe(res.body.version === 1 ? 'A tagline for LLMHub' : 'A tagline for LLMHub aimed at developers');
        served.add(res.body.version);
      }
      expect([...served].sort()).toEqual([1, 2]);
      const generated = await request(t.url)
        .post('/api/v1/llm/generate')
        .set(as())
        .send({ template: { name: 'legacy', label: 'canary' }, variables: { product: 'LLMHub', audience: 'developers' } })
        .expect(200);
      expect(generated.body.content).toMatch(/^Echo: A tagline for LLMHub/);
    });

    it('still renders an explicit version strictly against its own variables', async () => {
      const res = await render('legacy', { variables: { product: 'LLMHub', audience: 'developers' }, version: 1 }).expect(422);
      expect(res.body.error.details).toEqual([{ field: 'variables.audience', message: 'variable "audience" is not declared by this template version' }]);
      await render('legacy', { variables: { product: 'LLMHub' }, version: 1 }).expect(200);
    });

    it('is flagged on the template, to the owner and to the operator, until the split is fixed', async () => {
      const warnings = [
        {
          field: 'ab_weights',
          message:
            'variable "audience" is required by version 2 but not by version 1, so every call this split routes must give it; ' +
            'split between versions that require the same variables',
        },
        {
          field: 'label_weights.canary',
          message:
            'variable "audience" is required by version 2 but not by version 1, so every call this split routes must give it; ' +
            'split between versions that require the same variables',
        },
      ];
      expect((await request(t.url).get('/api/v1/prompts/legacy').set(as()).expect(200)).body.warnings).toEqual(warnings);
      expect((await request(t.url).get(`/api/admin/templates/${legacyId}`).set(admin()).expect(200)).body.warnings).toEqual(warnings);

      const fixed = await request(t.url)
        .patch('/api/v1/prompts/legacy')
        .set(as())
        .send({ ab_weights: null, labels: { canary: 2 } })
        .expect(200);
      expect(fixed.body.warnings).toEqual([]);
      // the fix reaches calls: version 1 (production) no longer takes what only version 2 declared
      await render('legacy', { variables: { product: 'LLMHub' } }).expect(200);
    });
  });

  describe('a variable only some versions of a split declare, as optional', () => {
    beforeAll(async () => {
      await createTemplate('optional-arm', [
        { body: 'A tagline for {{ product }}', variables: [product] },
        { body: 'A tagline for {{ product }}{{ audience }}', variables: [product, { name: 'audience' }] },
      ]);
      await request(t.url)
        .patch('/api/v1/prompts/optional-arm')
        .set(as())
        .send({ ab_weights: { '1': 1, '2': 1 }, label_weights: { canary: { '1': 1, '2': 1 } } })
        .expect(200);
    });

    it('is accepted whichever version the call gets, and ignored by the version that does not declare it', async () => {
      for (const label of [undefined, 'canary']) {
        const served = new Set<number>();
        for (let i = 0; i < CALLS; i++) {
          const res = await render('optional-arm', { variables: { product: 'LLMHub', audience: ' for developers' }, label }).expect(200);
          expect(res.body.prompt).toBe(res.body.version === 1 ? 'A tagline for LLMHub' : 'A tagline for LLMHub for developers');
          served.add(res.body.version);
        }
        expect([...served].sort()).toEqual([1, 2]);
      }
      const template = await request(t.url).get('/api/v1/prompts/optional-arm').set(as()).expect(200);
      expect(template.body.warnings).toEqual([]);
    });

    it('is refused on every call when its value is not text, and so is a variable no version declares', async () => {
      for (let i = 0; i < CALLS; i++) {
        const res = await render('optional-arm', { variables: { product: 'LLMHub', audience: { a: 1 }, tone: 'dry' } }).expect(422);
        expect(res.body.error.details).toEqual([
          { field: 'variables.audience', message: 'variable "audience" must be a string, number or boolean' },
          { field: 'variables.tone', message: 'variable "tone" is not declared by any version the A/B split in ab_weights serves' },
        ]);
      }
    });
  });
});
