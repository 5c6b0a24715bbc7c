import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * The versions a split serves (ab_weights, or a label's weights) must require the same variables:
 * a caller giving what one of them requires would otherwise be refused (422) on the calls routed
 * to another. Such a split is refused naming the variables and the versions; one whose versions
 * differ only in optional variables or defaults is taken.
 */
describe('A/B splits between versions that require different variables', () => {
  let t: TestApp;
  let key: string;
  let templateId: string;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const as = () => ({ 'X-API-Key': key });
  const patch = (body: Record<string, unknown>) => request(t.url).patch('/api/v1/prompts/tagline').set(as()).send(body);
  const get = async () => (await request(t.url).get('/api/v1/prompts/tagline').set(as()).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp();
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'ab-variables' }).expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201)).body.key;
    const product = { name: 'product', required: true };
    const created = await request(t.url)
      .post('/api/v1/prompts')
      .set(as())
      .send({ name: 'tagline', body: 'A tagline for {{ product }}', variables: [product] })
      .expect(201);
    templateId = created.body.id;
    const versions = [
      // 2: audience required, no default
      { body: 'A tagline for {{ product }} aimed at {{ audience }}', variables: [product, { name: 'audience', required: true }] },
      // 3: audience optional
      { body: 'A tagline for {{ product }} aimed at {{ audience }}', variables: [product, { name: 'audience' }] },
      // 4: audience required, with a default
      { body: 'A tagline for {{ product }} aimed at {{ audience }}', variables: [product, { name: 'audience', required: true, default: 'everyone' }] },
    ];
    for (const version of versions) await request(t.url).post('/api/v1/prompts/tagline/versions').set(as()).send(version).expect(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses ab_weights over versions that require different variables, naming the variable and the versions, and changes nothing', async () => {
    const res = await patch({ ab_weights: { '1': 50, '2': 50 }, description: 'split' }).expect(422);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toEqual([{ field: 'ab_weights', message: 'variable "audience" is required by version 2 but not by version 1' }]);
    expect(res.body.error.message).toContain('"audience" is required by version 2 but not by version 1');
    expect(await get()).toMatchObject({ ab_weights: null, description: null });

    // the admin route alike
    const byAdmin = await request(t.url)
      .patch(`/api/admin/templates/${templateId}`)
      .set(admin())
      .send({ ab_weights: { '2': 1, '3': 1, '4': 1 } })
      .expect(422);
    expect(byAdmin.body.error.details).toEqual([{ field: 'ab_weights', message: 'variable "audience" is required by version 2 but not by versions 3 and 4' }]);
  });

  it('refuses label weights over such versions, naming the label', async () => {
    const res = await patch({ label_weights: { canary: { '1': 1, '2': 1 } } }).expect(422);
    expect(res.body.error.details).toEqual([{ field: 'label_weights.canary', message: 'variable "audience" is required by version 2 but not by version 1' }]);
    expect((await get()).labels.map((l: { label: string }) => l.label)).not.toContain('canary');
  });

  it('takes a split whose versions differ only in optional variables and defaults, and serves every arm the same variables', async () => {
    await patch({ ab_weights: { '1': 1, '3': 1, '4': 1 } }).expect(200);
    const served = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const r = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as())
        .send({ variables: { product: 'LLMHub' }, subject: `user-${i}` })
        .expect(200);
      served.add(r.body.version);
    }
    expect([...served].sort()).toEqual([1, 3, 4]);
  });

  it('takes a version given no traffic whatever it requires, and a label pointed at it alone', async () => {
    await patch({ ab_weights: { '1': 1, '2': 0 } }).expect(200);
    await patch({ labels: { beta: 2 }, label_weights: { canary: { '2': 1 } } }).expect(200);
  });
});
