import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * While a template's A/B weights stand they decide default (production) traffic. Moving the production
 * label then would change nothing callers get, so it is refused with 409 conflict saying how to end the
 * test; an update that ends the test and moves the label together goes through.
 */
describe('the production label under an A/B test', () => {
  let t: TestApp;
  let key: string;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const as = () => ({ 'X-API-Key': key });
  const WHO = [{ name: 'who', required: true }];

  const patch = (body: Record<string, unknown>) => request(t.url).patch('/api/v1/prompts/greeting').set(as()).send(body);
  const get = async () => (await request(t.url).get('/api/v1/prompts/greeting').set(as()).expect(200)).body;
  const productionOf = (template: { labels: { label: string; version: number | null }[] }) => template.labels.find((l) => l.label === 'production')?.version;
  async function defaultVersions(times = 12): Promise<number[]> {
    const seen = new Set<number>();
    for (let i = 0; i < times; i++) {
      const r = await request(t.url)
        .post('/api/v1/prompts/greeting/render')
        .set(as())
        .send({ variables: { who: 'x' } })
        .expect(200);
      seen.add(r.body.version);
    }
    return [...seen].sort();
  }

  beforeAll(async () => {
    t = await startTestApp();
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'ab-label' }).expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201)).body.key;
    await request(t.url).post('/api/v1/prompts').set(as()).send({ name: 'greeting', body: 'v1 {{ who }}', variables: WHO }).expect(201);
    await request(t.url).post('/api/v1/prompts/greeting/versions').set(as()).send({ body: 'v2 {{ who }}', variables: WHO }).expect(201);
    // the whole test on version 1, so what default traffic gets is certain
    await patch({ ab_weights: { '1': 1, '2': 0 } }).expect(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses to move production while the weights decide, changes nothing, and says how to end the test', async () => {
    const res = await patch({ description: 'promote v2', labels: { production: 2 } }).expect(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.message).toContain('A/B test');
    expect(res.body.error.message).toContain('"ab_weights": null');
    expect(res.body.error.details).toEqual([{ field: 'labels.production', message: expect.stringContaining('ab_weights') }]);
    const after = await get();
    expect(productionOf(after)).toBe(1);
    expect(after.description).toBeNull();
    expect(await defaultVersions()).toEqual([1]);
  });

  it('refuses production label weights and new weights sent with the move alike', async () => {
    const weighted = await patch({ label_weights: { production: { '2': 1 } } }).expect(409);
    expect(weighted.body.error.details).toEqual([{ field: 'label_weights.production', message: expect.stringContaining('ab_weights') }]);
    await patch({ ab_weights: { '2': 1 }, labels: { production: 2 } }).expect(409);
    expect((await get()).ab_weights).toEqual({ '1': 1, '2': 0 });
  });

  it('refuses a new version labelled production, creating no version', async () => {
    const res = await request(t.url)
      .post('/api/v1/prompts/greeting/versions')
      .set(as())
      .send({ body: 'v3 {{ who }}', labels: ['production'] })
      .expect(409);
    expect(res.body.error.details).toEqual([{ field: 'labels', message: expect.stringContaining('ab_weights') }]);
    expect((await get()).latest_version).toBe(2);
  });

  it('refuses the move on the admin route too', async () => {
    const { id } = await get();
    await request(t.url)
      .patch(`/api/admin/templates/${id}`)
      .set(admin())
      .send({ labels: { production: 2 } })
      .expect(409);
  });

  it('still moves other labels and still refuses removing production as invalid', async () => {
    const beta = await patch({ labels: { beta: 2 } }).expect(200);
    expect(beta.body.labels).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'beta', version: 2 })]));
    const removed = await patch({ labels: { production: null } }).expect(422);
    expect(removed.body.error.details).toEqual([expect.objectContaining({ field: 'labels.production' })]);
  });

  it('ends the test and moves production in one update, after which default traffic follows the label', async () => {
    const res = await patch({ ab_weights: null, labels: { production: 2 } }).expect(200);
    expect(res.body.ab_weights).toBeNull();
    expect(productionOf(res.body)).toBe(2);
    expect(await defaultVersions()).toEqual([2]);
  });
});
