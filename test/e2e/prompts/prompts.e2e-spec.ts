import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { PromptsService } from '@src/prompts/prompts.service';
import { startTestApp, TestApp } from '@test/support/app';

interface TestClient {
  id: string;
  key: string;
}

const TAGLINE = {
  name: 'tagline',
  template_type: 'marketing',
  description: 'product tagline',
  system_prompt: 'Write in {{ language }}.',
  body: 'A tagline for {{ product }} aimed at {{audience}}.',
  variables: [
    { name: 'product', required: true, description: 'what we sell' },
    { name: 'audience', required: true },
    { name: 'language', required: false, default: 'English' },
  ],
  provider: 'mock',
  model: 'echo',
  params: { temperature: 0.5 },
};

const { name: _name, template_type: _type, description: _description, ...TAGLINE_VERSION } = TAGLINE;

describe('prompt library over HTTP', () => {
  let t: TestApp;
  let a: TestClient;
  let b: TestClient;
  let pg: Client;

  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const as = (c: TestClient) => ({ 'X-API-Key': c.key });

  async function newClient(name: string): Promise<TestClient> {
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name }).expect(201);
    const key = await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'test' }).expect(201);
    return { id: client.body.id, key: key.body.key };
  }

  beforeAll(async () => {
    t = await startTestApp();
    a = await newClient(`client-a-${randomUUID().slice(0, 8)}`);
    b = await newClient(`client-b-${randomUUID().slice(0, 8)}`);
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  describe('CRUD and versioning', () => {
    it('creates version 1 with production and latest labels, then reads it back by name', async () => {
      const created = await request(t.url).post('/api/v1/prompts').set(as(a)).send(TAGLINE).expect(201);
      expect(created.body).toMatchObject({
        name: 'tagline',
        template_type: 'marketing',
        owner_client_id: a.id,
        is_system: false,
        active_version: 1,
        latest_version: 1,
        ab_weights: null,
        labels: [
          { label: 'latest', version: 1, weights: null, is_protected: false },
          { label: 'production', version: 1, weights: null, is_protected: false },
        ],
        versions: [{ version: 1, body: TAGLINE.body, system_prompt: TAGLINE.system_prompt, provider: 'mock', model: 'echo', params: { temperature: 0.5 } }],
      });
      expect(created.body.versions[0].variables).toEqual([
        { name: 'product', required: true, default: null, description: 'what we sell' },
        { name: 'audience', required: true, default: null, description: null },
        { name: 'language', required: false, default: 'English', description: null },
      ]);
      const got = await request(t.url).get('/api/v1/prompts/tagline').set(as(a)).expect(200);
      expect(got.body.id).toBe(created.body.id);
    });

    it('refuses a duplicate name with 409 and a malformed name with 422', async () => {
      const dup = await request(t.url).post('/api/v1/prompts').set(as(a)).send(TAGLINE).expect(409);
      expect(dup.body.error.code).toBe('conflict');
      const bad = await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ ...TAGLINE, name: 'Bad Name' })
        .expect(422);
      expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'name' })]);
    });

    it('refuses a body that uses an undeclared variable, naming it', async () => {
      const res = await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ ...TAGLINE, name: 'broken', body: '{{ product }} for {{ audience }} in {{ colour }}' })
        .expect(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details).toEqual([{ field: 'variables.colour', message: expect.stringContaining('colour') }]);
    });

    it('adds version 2 moving latest only, and version 3 moving production when asked', async () => {
      const v2 = await request(t.url)
        .post('/api/v1/prompts/tagline/versions')
        .set(as(a))
        .send({ ...TAGLINE_VERSION, body: 'v2: {{ product }} / {{ audience }}', note: 'shorter' })
        .expect(201);
      expect(v2.body.latest_version).toBe(2);
      expect(v2.body.labels).toEqual(
        expect.arrayContaining([expect.objectContaining({ label: 'production', version: 1 }), expect.objectContaining({ label: 'latest', version: 2 })]),
      );
      expect(v2.body.versions[1]).toMatchObject({ version: 2, note: 'shorter' });
      const v3 = await request(t.url)
        .post('/api/v1/prompts/tagline/versions')
        .set(as(a))
        .send({ ...TAGLINE_VERSION, body: 'v3: {{ product }} / {{ audience }}', labels: ['production'] })
        .expect(201);
      expect(v3.body.active_version).toBe(3);
      expect(v3.body.labels).toEqual(
        expect.arrayContaining([expect.objectContaining({ label: 'production', version: 3 }), expect.objectContaining({ label: 'latest', version: 3 })]),
      );
    });

    it('updates description and labels, and removes a custom label', async () => {
      const res = await request(t.url)
        .patch('/api/v1/prompts/tagline')
        .set(as(a))
        .send({ description: 'changed', labels: { production: 1, beta: 2 } })
        .expect(200);
      expect(res.body.description).toBe('changed');
      expect(res.body.active_version).toBe(1);
      expect(res.body.labels).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'beta', version: 2 })]));
      const removed = await request(t.url)
        .patch('/api/v1/prompts/tagline')
        .set(as(a))
        .send({ labels: { beta: null } })
        .expect(200);
      expect(removed.body.labels.map((l: { label: string }) => l.label)).toEqual(['latest', 'production']);
      const bad = await request(t.url)
        .patch('/api/v1/prompts/tagline')
        .set(as(a))
        .send({ labels: { production: 9 } })
        .expect(422);
      expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'labels.production' })]);
      const text = await request(t.url)
        .patch('/api/v1/prompts/tagline')
        .set(as(a))
        .send({ labels: { beta: '1' } })
        .expect(422);
      expect(text.body.error.details).toEqual([{ field: 'labels.beta', message: 'must be a version number (an integer) or null, got "1"' }]);
    });

    it('lists own and system templates, paged by cursor', async () => {
      const first = await request(t.url).get('/api/v1/prompts?limit=2').set(as(a)).expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      const names: string[] = first.body.items.map((i: { name: string }) => i.name);
      let cursor: string | null = first.body.next_cursor;
      while (cursor) {
        const page = await request(t.url).get('/api/v1/prompts').query({ limit: 2, cursor }).set(as(a)).expect(200);
        names.push(...page.body.items.map((i: { name: string }) => i.name));
        cursor = page.body.next_cursor;
      }
      expect(names).toEqual(['email-reply', 'marketing-copy', 'summary', 'tagline']);
    });

    it('deletes a template', async () => {
      await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ ...TAGLINE, name: 'short-lived' })
        .expect(201);
      await request(t.url).delete('/api/v1/prompts/short-lived').set(as(a)).expect(204);
      await request(t.url).get('/api/v1/prompts/short-lived').set(as(a)).expect(404);
    });

    it('numbers concurrent publishes one after another, each answer showing the version it made', async () => {
      await request(t.url).post('/api/v1/prompts').set(as(a)).send({ name: 'busy', body: 'v1' }).expect(201);
      const bodies = Array.from({ length: 16 }, (_, i) => `draft ${i}`);
      const answers = await Promise.all(bodies.map((body) => request(t.url).post('/api/v1/prompts/busy/versions').set(as(a)).send({ body }).expect(201)));
      // what a script does next with the answer: label the version it just published
      const published = answers.map((res, i) => {
        const latest = res.body.versions.find((v: { version: number }) => v.version === res.body.latest_version);
        expect({ sent: bodies[i], latest: latest.body }).toEqual({ sent: bodies[i], latest: bodies[i] });
        expect(res.body.labels).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'latest', version: res.body.latest_version })]));
        return res.body.latest_version as number;
      });
      expect([...published].sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i + 2));
      const stored = await pg.query(`SELECT v.version, v.body FROM prompt_versions v JOIN prompt_templates t ON t.id = v.template_id WHERE t.name = 'busy'`);
      expect(stored.rows).toHaveLength(17);
      await request(t.url).delete('/api/v1/prompts/busy').set(as(a)).expect(204);
    });
  });

  describe('rendering', () => {
    it('renders the production version with defaults applied', async () => {
      const res = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(a))
        .send({ variables: { product: 'LLMHub', audience: 'developers' } })
        .expect(200);
      expect(res.body).toMatchObject({
        template: 'tagline',
        version: 1,
        system_prompt: 'Write in English.',
        prompt: 'A tagline for LLMHub aimed at developers.',
      });
    });

    it('renders a named version or label', async () => {
      const v = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(a))
        .send({ version: 2, variables: { product: 'p', audience: 'q' } })
        .expect(200);
      expect(v.body).toMatchObject({ version: 2, prompt: 'v2: p / q' });
      const l = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(a))
        .send({ label: 'latest', variables: { product: 'p', audience: 'q' } })
        .expect(200);
      expect(l.body).toMatchObject({ version: 3, prompt: 'v3: p / q' });
    });

    it('names each missing and undeclared variable in a 422', async () => {
      const res = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(a))
        .send({ variables: { audience: 'x', colour: 'red' } })
        .expect(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['variables.colour', 'variables.product']);
    });

    it('inserts values literally without expanding placeholders inside them', async () => {
      const res = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(a))
        .send({ variables: { product: '{{ audience }}', audience: '{{language}}' } })
        .expect(200);
      expect(res.body.prompt).toBe('A tagline for {{ audience }} aimed at {{language}}.');
    });

    it('refuses a value that would render past the longest prompt a call takes with a 422 naming it, on render and generate', async () => {
      await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ name: 'repeated', body: '{{ a }} '.repeat(20_000), variables: [{ name: 'a', required: true }] })
        .expect(201);
      // 20,000 copies of a 500,000-character value: ten billion characters, more than a string can hold
      const big = { variables: { a: 'y'.repeat(500_000) } };
      const rendered = await request(t.url).post('/api/v1/prompts/repeated/render').set(as(a)).send(big).expect(422);
      expect(rendered.body.error).toMatchObject({
        code: 'validation_error',
        message: 'The rendered template would be longer than 1000000 characters: shorten variables.a',
        details: [{ field: 'variables.a', message: expect.stringContaining('inserted 20000 times') }],
      });
      const generated = await request(t.url)
        .post('/api/v1/llm/generate')
        .set(as(a))
        .send({ template: 'repeated', model: 'mock/echo', ...big })
        .expect(422);
      expect(generated.body.error.details).toEqual([expect.objectContaining({ field: 'variables.a' })]);
    });

    it('uses or refuses variables named like Object.prototype members instead of dropping them', async () => {
      await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({
          name: 'proto-names',
          body: '{{ valueOf }} / {{ toString }}',
          variables: [
            { name: 'valueOf', required: true },
            { name: 'toString', required: true },
          ],
        })
        .expect(201);
      const ok = await request(t.url)
        .post('/api/v1/prompts/proto-names/render')
        .set(as(a))
        .send({ variables: { valueOf: 'v', toString: 's' } })
        .expect(200);
      expect(ok.body.prompt).toBe('v / s');
      const generated = await request(t.url)
        .post('/api/v1/llm/generate')
        .set(as(a))
        .send({ template: 'proto-names', variables: { valueOf: 'v', toString: 's' }, model: 'mock/echo' })
        .expect(200);
      expect(generated.body.content).toContain('v / s');
      const undeclared = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(a))
        .send({ variables: { product: 'p', audience: 'q', isPrototypeOf: 'x', hasOwnProperty: 'y' } })
        .expect(422);
      expect(undeclared.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['variables.hasOwnProperty', 'variables.isPrototypeOf']);
      // request bodies never carry a `constructor` key, so a variable of that name could never be given
      const reserved = await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ name: 'proto-reserved', body: '{{ constructor }}', variables: [{ name: 'constructor', required: true }] })
        .expect(422);
      expect(reserved.body.error.details).toEqual([expect.objectContaining({ field: 'variables[0].name', message: expect.stringContaining('reserved') })]);
    });

    it('renders a seeded system template for any client', async () => {
      const res = await request(t.url)
        .post('/api/v1/prompts/marketing-copy/render')
        .set(as(b))
        .send({ variables: { product: 'a bike', audience: 'commuters', language: 'German' } })
        .expect(200);
      expect(res.body.system_prompt).toContain('German');
      expect(res.body.prompt).toContain('a bike');
    });
  });

  describe('isolation between clients', () => {
    it("answers 404 for another client's template on every route, and leaves it out of lists", async () => {
      await request(t.url).get('/api/v1/prompts/tagline').set(as(b)).expect(404);
      await request(t.url).patch('/api/v1/prompts/tagline').set(as(b)).send({ description: 'x' }).expect(404);
      await request(t.url).post('/api/v1/prompts/tagline/versions').set(as(b)).send({ body: 'x' }).expect(404);
      await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(b))
        .send({ variables: { product: 'p', audience: 'q' } })
        .expect(404);
      await request(t.url).delete('/api/v1/prompts/tagline').set(as(b)).expect(404);
      const list = await request(t.url).get('/api/v1/prompts?limit=200').set(as(b)).expect(200);
      expect(list.body.items.map((i: { name: string }) => i.name)).not.toContain('tagline');
    });

    it('lets two clients own templates of the same name', async () => {
      const mine = await request(t.url)
        .post('/api/v1/prompts')
        .set(as(b))
        .send({ ...TAGLINE, body: 'B: {{ product }} {{ audience }}' })
        .expect(201);
      expect(mine.body.owner_client_id).toBe(b.id);
      const rendered = await request(t.url)
        .post('/api/v1/prompts/tagline/render')
        .set(as(b))
        .send({ variables: { product: 'p', audience: 'q' } })
        .expect(200);
      expect(rendered.body.prompt).toBe('B: p q');
    });

    it('refuses changes to a system template with 403', async () => {
      const res = await request(t.url).patch('/api/v1/prompts/summary').set(as(a)).send({ description: 'mine now' }).expect(403);
      expect(res.body.error.code).toBe('forbidden');
      await request(t.url).delete('/api/v1/prompts/summary').set(as(a)).expect(403);
      await request(t.url).post('/api/v1/prompts/summary/versions').set(as(a)).send({ body: 'x' }).expect(403);
    });

    it("serves the client's own template over a system template of the same name", async () => {
      await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ name: 'summary', body: 'my summary of {{ text }}', variables: [{ name: 'text', required: true }] })
        .expect(201);
      const mine = await request(t.url)
        .post('/api/v1/prompts/summary/render')
        .set(as(a))
        .send({ variables: { text: 'T' } })
        .expect(200);
      expect(mine.body.prompt).toBe('my summary of T');
      const theirs = await request(t.url)
        .post('/api/v1/prompts/summary/render')
        .set(as(b))
        .send({ variables: { text: 'T' } })
        .expect(200);
      expect(theirs.body.prompt).toContain('Summarise the text below');
      const list = await request(t.url).get('/api/v1/prompts?limit=200').set(as(a)).expect(200);
      const summaries = list.body.items.filter((i: { name: string }) => i.name === 'summary');
      expect(summaries).toEqual([expect.objectContaining({ owner_client_id: a.id })]);
    });
  });

  describe('protected labels', () => {
    it('lets only an admin move a protected label', async () => {
      const got = await request(t.url).get('/api/v1/prompts/tagline').set(as(a)).expect(200);
      await request(t.url)
        .patch(`/api/admin/templates/${got.body.id}`)
        .set(admin())
        .send({ protected_labels: { production: true } })
        .expect(200);
      const refused = await request(t.url)
        .patch('/api/v1/prompts/tagline')
        .set(as(a))
        .send({ labels: { production: 2 } })
        .expect(403);
      expect(refused.body.error.code).toBe('forbidden');
      await request(t.url)
        .post('/api/v1/prompts/tagline/versions')
        .set(as(a))
        .send({ ...TAGLINE_VERSION, labels: ['production'] })
        .expect(403);
      const moved = await request(t.url)
        .patch(`/api/admin/templates/${got.body.id}`)
        .set(admin())
        .send({ labels: { production: 2 } })
        .expect(200);
      expect(moved.body.labels).toEqual(expect.arrayContaining([{ label: 'production', version: 2, weights: null, is_protected: true }]));
      await request(t.url)
        .patch(`/api/admin/templates/${got.body.id}`)
        .set(admin())
        .send({ protected_labels: { production: false }, labels: { production: 1 } })
        .expect(200);
    });

    it('keeps the A/B weights, which decide default traffic, to an admin while production is protected', async () => {
      const created = await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ name: 'guarded', body: 'v1 {{ who }}', variables: [{ name: 'who' }] })
        .expect(201);
      await request(t.url).post('/api/v1/prompts/guarded/versions').set(as(a)).send({ body: 'v2 {{ who }}' }).expect(201);
      await request(t.url)
        .patch(`/api/admin/templates/${created.body.id}`)
        .set(admin())
        .send({ protected_labels: { production: true } })
        .expect(200);
      const started = await request(t.url)
        .patch('/api/v1/prompts/guarded')
        .set(as(a))
        .send({ ab_weights: { '2': 1 } })
        .expect(403);
      expect(started.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('Label "production" of template "guarded" is protected'),
        details: [{ field: 'ab_weights', message: expect.stringContaining('only an admin sets ab_weights') }],
      });
      const served = await request(t.url).post('/api/v1/prompts/guarded/render').set(as(a)).send({}).expect(200);
      expect(served.body).toMatchObject({ version: 1, prompt: 'v1 ' });

      await request(t.url)
        .patch(`/api/admin/templates/${created.body.id}`)
        .set(admin())
        .send({ ab_weights: { '1': 1, '2': 1 } })
        .expect(200);
      await request(t.url).patch('/api/v1/prompts/guarded').set(as(a)).send({ ab_weights: null }).expect(403);
      await request(t.url)
        .patch('/api/v1/prompts/guarded')
        .set(as(a))
        .send({ ab_weights: { '1': 3, '2': 1 } })
        .expect(403);
      // sending the weights as they stand changes nothing, so it is no reason to refuse the rest of the update
      const unchanged = await request(t.url)
        .patch('/api/v1/prompts/guarded')
        .set(as(a))
        .send({ ab_weights: { '2': 1, '1': 1 }, description: 'greeting' })
        .expect(200);
      expect(unchanged.body).toMatchObject({ ab_weights: { '1': 1, '2': 1 }, description: 'greeting' });
    });

    it("lets latest follow a client's new version while protected, but not be pointed back by the client", async () => {
      const created = await request(t.url).post('/api/v1/prompts').set(as(a)).send({ name: 'pinned-latest', body: 'one' }).expect(201);
      await request(t.url)
        .patch(`/api/admin/templates/${created.body.id}`)
        .set(admin())
        .send({ protected_labels: { latest: true } })
        .expect(200);
      const v2 = await request(t.url).post('/api/v1/prompts/pinned-latest/versions').set(as(a)).send({ body: 'two' }).expect(201);
      expect(v2.body.labels).toContainEqual({ label: 'latest', version: 2, weights: null, is_protected: true });
      const back = await request(t.url)
        .patch('/api/v1/prompts/pinned-latest')
        .set(as(a))
        .send({ labels: { latest: 1 } })
        .expect(403);
      expect(back.body.error.details).toEqual([{ field: 'labels.latest', message: 'protected label' }]);
      const after = await request(t.url).get('/api/v1/prompts/pinned-latest').set(as(a)).expect(200);
      expect(after.body.labels).toContainEqual({ label: 'latest', version: 2, weights: null, is_protected: true });
    });

    it('leaves deleting a template with a protected label to an admin, which would otherwise take the label with it', async () => {
      const refused = await request(t.url).delete('/api/v1/prompts/guarded').set(as(a)).expect(403);
      expect(refused.body.error).toMatchObject({
        code: 'forbidden',
        message: 'Template "guarded" has protected labels (production); only an admin can delete it',
      });
      const served = await request(t.url).post('/api/v1/prompts/guarded/render').set(as(a)).send({ version: 1 }).expect(200);
      await request(t.url).delete(`/api/admin/templates/${served.body.template_id}`).set(admin()).expect(204);
      await request(t.url).get('/api/v1/prompts/guarded').set(as(a)).expect(404);
    });
  });

  describe('A/B weights', () => {
    let templateId: string;

    beforeAll(async () => {
      const created = await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ name: 'ab-test', body: 'v1 {{ who }}', variables: [{ name: 'who', required: true }] })
        .expect(201);
      templateId = created.body.id;
      await request(t.url)
        .post('/api/v1/prompts/ab-test/versions')
        .set(as(a))
        .send({ body: 'v2 {{ who }}', variables: [{ name: 'who', required: true }] })
        .expect(201);
      await request(t.url)
        .patch('/api/v1/prompts/ab-test')
        .set(as(a))
        .send({ ab_weights: { '1': 70, '2': 30 } })
        .expect(200);
    });

    it('refuses weights over versions that do not exist', async () => {
      const res = await request(t.url)
        .patch('/api/v1/prompts/ab-test')
        .set(as(a))
        .send({ ab_weights: { '1': 50, '7': 50 } })
        .expect(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'ab_weights.7' })]);
    });

    it('splits default selections near 70/30', async () => {
      const prompts = t.app.get(PromptsService);
      const n = 4000;
      let v1 = 0;
      for (let i = 0; i < n; i++) if ((await prompts.resolveForGeneration(a.id, { name: 'ab-test' }, { who: 'x' })).version === 1) v1++;
      // σ = sqrt(n·0.7·0.3) ≈ 29: ±6σ cannot flake in practice
      expect(Math.abs(v1 - 0.7 * n)).toBeLessThan(175);
    });

    it('splits HTTP renders both ways and keeps a fixed subject on one version', async () => {
      const seen = new Set<number>();
      for (let i = 0; i < 40; i++) {
        const r = await request(t.url)
          .post('/api/v1/prompts/ab-test/render')
          .set(as(a))
          .send({ variables: { who: 'x' } })
          .expect(200);
        seen.add(r.body.version);
      }
      expect([...seen].sort()).toEqual([1, 2]);
      const versions = new Set<number>();
      for (let i = 0; i < 25; i++) {
        const r = await request(t.url)
          .post('/api/v1/prompts/ab-test/render')
          .set(as(a))
          .send({ subject: 'user-42', variables: { who: 'x' } })
          .expect(200);
        versions.add(r.body.version);
        expect(r.body.prompt).toBe(`v${r.body.version} x`);
      }
      expect(versions.size).toBe(1);
    });

    it('leaves an explicit label or version outside the test, and stops when the weights are cleared', async () => {
      const latest = await request(t.url)
        .post('/api/v1/prompts/ab-test/render')
        .set(as(a))
        .send({ label: 'latest', variables: { who: 'x' } })
        .expect(200);
      expect(latest.body.version).toBe(2);
      await request(t.url).patch('/api/v1/prompts/ab-test').set(as(a)).send({ ab_weights: null }).expect(200);
      for (let i = 0; i < 10; i++) {
        const r = await request(t.url)
          .post('/api/v1/prompts/ab-test/render')
          .set(as(a))
          .send({ variables: { who: 'x' } })
          .expect(200);
        expect(r.body.version).toBe(1);
      }
      await request(t.url)
        .patch('/api/v1/prompts/ab-test')
        .set(as(a))
        .send({ ab_weights: { '1': 70, '2': 30 } })
        .expect(200);
    });

    it('follows weights carried by a label', async () => {
      await request(t.url)
        .patch('/api/v1/prompts/ab-test')
        .set(as(a))
        .send({ label_weights: { canary: { '1': 0, '2': 1 } } })
        .expect(200);
      const r = await request(t.url)
        .post('/api/v1/prompts/ab-test/render')
        .set(as(a))
        .send({ label: 'canary', variables: { who: 'x' } })
        .expect(200);
      expect(r.body.version).toBe(2);
    });

    describe('stats from the log', () => {
      async function logRow(version: number, status: string, cost: string | null, tokens: [number, number], latency: number): Promise<string> {
        const id = randomUUID();
        await pg.query(
          `INSERT INTO llm_generation_log (id, created_at, client_id, endpoint, provider, model, template_id, template_name, template_version,
             input_tokens, output_tokens, cost_usd, latency_ms, status)
           VALUES ($1, now(), $2, '/api/v1/llm/generate', 'mock', 'echo', $3, 'ab-test', $4, $5, $6, $7, $8, $9)`,
          [id, a.id, templateId, version, tokens[0], tokens[1], cost, latency, status],
        );
        return id;
      }
      let v1Ids: string[];

      beforeAll(async () => {
        v1Ids = [
          await logRow(1, 'success', '0.0001', [10, 20], 100),
          await logRow(1, 'success', '0.0002', [20, 30], 200),
          await logRow(1, 'error', null, [5, 0], 300),
          await logRow(1, 'rate_limited', null, [0, 0], 0),
        ];
        await logRow(2, 'success', '0.0003', [30, 40], 50);
      });

      it('reports per-version usage, success rate, cost, tokens and latency equal to the log', async () => {
        const res = await request(t.url).get(`/api/admin/templates/${templateId}/stats`).set(admin()).expect(200);
        expect(res.body.versions).toEqual([
          {
            version: 1,
            requests: 3,
            successes: 2,
            feedback_count: 0,
            scored_feedback_count: 0,
            avg_feedback_score: null,
            errors: 1,
            rejected: 1,
            success_rate: 0.6667,
            priced_requests: 2,
            total_cost_usd: '0.0003',
            avg_cost_usd: '0.00015',
            avg_input_tokens: 11.67,
            avg_output_tokens: 16.67,
            avg_latency_ms: 200,
          },
          expect.objectContaining({ version: 2, requests: 1, successes: 1, success_rate: 1, avg_cost_usd: '0.0003', avg_latency_ms: 50 }),
        ]);
        expect(res.body.ab_tests).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              source: 'ab_weights',
              weights: { '1': 70, '2': 30 },
              variants: [
                expect.objectContaining({ version: 1, weight: 70, share: 0.7, requests: 3 }),
                expect.objectContaining({ version: 2, weight: 30, share: 0.3, requests: 1 }),
              ],
            }),
          ]),
        );
      });

      it('lets feedback override the outcome in the success rate', async () => {
        await pg.query(`INSERT INTO generation_feedback (request_id, client_id, success) VALUES ($1, $3, false), ($2, $3, true)`, [v1Ids[0], v1Ids[2], a.id]);
        const res = await request(t.url).get(`/api/admin/templates/${templateId}`).set(admin()).expect(200);
        const v1 = res.body.stats.find((s: { version: number }) => s.version === 1);
        // success overridden to failure, error overridden to success: still 2 of 3, but a different pair
        expect(v1).toMatchObject({ requests: 3, successes: 2, feedback_count: 2 });
        await pg.query(`UPDATE generation_feedback SET success = false WHERE request_id = $1`, [v1Ids[2]]);
        const after = await request(t.url).get(`/api/admin/templates/${templateId}/stats`).set(admin()).expect(200);
        expect(after.body.versions[0]).toMatchObject({ successes: 1, success_rate: 0.3333 });
      });

      it('averages the feedback scores per version exactly, as a decimal string, over the calls that reached a provider', async () => {
        const feedback = (id: string, body: Record<string, unknown>) =>
          request(t.url).post(`/api/v1/generations/${id}/feedback`).set(as(a)).send(body).expect(200);
        const versions = async () => (await request(t.url).get(`/api/admin/templates/${templateId}/stats`).set(admin()).expect(200)).body.versions;
        // 0.1 + 0.2 + 0.3 over 3 is 0.2 exactly (0.20000000000000004 in floating point)
        await feedback(v1Ids[0], { success: true, score: 0.1 });
        await feedback(v1Ids[1], { success: true, score: 0.2 });
        await feedback(v1Ids[2], { success: false, score: 0.3 });
        // a call refused before any provider says nothing of the version
        await feedback(v1Ids[3], { success: false, score: -900 });
        const v2Id = await logRow(2, 'success', '0.0001', [1, 1], 10);
        await feedback(v2Id, { success: true, comment: 'no score' });
        expect(await versions()).toEqual([
          expect.objectContaining({ version: 1, feedback_count: 3, scored_feedback_count: 3, avg_feedback_score: '0.2' }),
          expect.objectContaining({ version: 2, feedback_count: 1, scored_feedback_count: 0, avg_feedback_score: null }),
        ]);

        // a repeating average to 6 decimal places; the latest verdict on a call is the one counted
        await feedback(v1Ids[2], { success: false, score: 0.4 });
        await feedback(v2Id, { success: true, score: 5 });
        const [v1, v2] = await versions();
        expect(v1).toMatchObject({ scored_feedback_count: 3, avg_feedback_score: '0.233333' });
        expect(v2).toMatchObject({ scored_feedback_count: 1, avg_feedback_score: '5' });
        const detail = await request(t.url).get(`/api/admin/templates/${templateId}`).set(admin()).expect(200);
        expect(detail.body.ab_tests[0].variants[0]).toMatchObject({ version: 1, avg_feedback_score: '0.233333' });
      });
    });
  });

  describe('a new version starts from the previous one', () => {
    it('inherits system prompt, variables, provider, model and params when only a body is given, and answers the version whole', async () => {
      await request(t.url)
        .post('/api/v1/prompts')
        .set(as(a))
        .send({ ...TAGLINE, name: 'inherits' })
        .expect(201);
      const v2 = await request(t.url).post('/api/v1/prompts/inherits/versions').set(as(a)).send({ body: 'New: {{ product }} for {{ audience }}' }).expect(201);
      expect(v2.body.versions[1]).toEqual({
        version: 2,
        system_prompt: TAGLINE.system_prompt,
        body: 'New: {{ product }} for {{ audience }}',
        variables: [
          { name: 'product', required: true, default: null, description: 'what we sell' },
          { name: 'audience', required: true, default: null, description: null },
          { name: 'language', required: false, default: 'English', description: null },
        ],
        provider: 'mock',
        model: 'echo',
        params: { temperature: 0.5 },
        note: null,
        created_at: expect.any(String),
      });
      const rendered = await request(t.url)
        .post('/api/v1/prompts/inherits/render')
        .set(as(a))
        .send({ version: 2, variables: { product: 'LLMHub', audience: 'devs' } })
        .expect(200);
      expect(rendered.body).toMatchObject({ version: 2, system_prompt: 'Write in English.', prompt: 'New: LLMHub for devs', provider: 'mock', model: 'echo' });
    });

    it('overrides only the fields given, and null clears a field', async () => {
      const v3 = await request(t.url)
        .post('/api/v1/prompts/inherits/versions')
        .set(as(a))
        .send({ model: null, system_prompt: null, params: { max_tokens: 50 }, note: 'no model' })
        .expect(201);
      expect(v3.body.versions[2]).toMatchObject({
        version: 3,
        system_prompt: null,
        body: 'New: {{ product }} for {{ audience }}',
        provider: 'mock',
        model: null,
        params: { max_tokens: 50 },
        note: 'no model',
      });
      expect(v3.body.versions[2].variables.map((v: { name: string }) => v.name)).toEqual(['product', 'audience', 'language']);
      const v4 = await request(t.url).post('/api/v1/prompts/inherits/versions').set(as(a)).send({ body: 'Plain', variables: null, params: null }).expect(201);
      expect(v4.body.versions[3]).toMatchObject({ version: 4, body: 'Plain', variables: [], params: {}, system_prompt: null, provider: 'mock' });
    });

    it('still checks the resulting version: an inherited body using a cleared variable is refused, naming it', async () => {
      await request(t.url)
        .post('/api/v1/prompts/inherits/versions')
        .set(as(a))
        .send({ body: 'x {{ product }}', variables: [{ name: 'product' }] })
        .expect(201);
      const res = await request(t.url).post('/api/v1/prompts/inherits/versions').set(as(a)).send({ note: 'drop vars', variables: [] }).expect(422);
      expect(res.body.error.message).toContain('product');
      const cleared = await request(t.url).post('/api/v1/prompts/inherits/versions').set(as(a)).send({ body: null }).expect(422);
      expect(cleared.body.error.details).toEqual([expect.objectContaining({ field: 'body' })]);
    });
  });

  describe('admin routes', () => {
    it('lists system templates and filters by owner', async () => {
      const system = await request(t.url).get('/api/admin/templates?system=true').set(admin()).expect(200);
      expect(system.body.items.map((i: { name: string }) => i.name)).toEqual(['email-reply', 'marketing-copy', 'summary']);
      const owned = await request(t.url).get(`/api/admin/templates?owner_client_id=${b.id}`).set(admin()).expect(200);
      expect(owned.body.items.map((i: { name: string }) => i.name)).toEqual(['tagline']);
    });

    it('creates a system template visible to every client and refuses its duplicate', async () => {
      const created = await request(t.url)
        .post('/api/admin/templates')
        .set(admin())
        .send({ ...TAGLINE, name: 'house-style' })
        .expect(201);
      expect(created.body).toMatchObject({ is_system: true, owner_client_id: null });
      await request(t.url)
        .post('/api/admin/templates')
        .set(admin())
        .send({ ...TAGLINE, name: 'house-style' })
        .expect(409);
      await request(t.url).get('/api/v1/prompts/house-style').set(as(b)).expect(200);
      const v2 = await request(t.url)
        .post(`/api/admin/templates/${created.body.id}/versions`)
        .set(admin())
        .send({ body: 'plain', system_prompt: null, variables: null, note: 'n', labels: ['production'] })
        .expect(201);
      expect(v2.body.active_version).toBe(2);
      const rendered = await request(t.url).post('/api/v1/prompts/house-style/render').set(as(a)).send({}).expect(200);
      expect(rendered.body).toMatchObject({ version: 2, prompt: 'plain' });
      await request(t.url).delete(`/api/admin/templates/${created.body.id}`).set(admin()).expect(204);
      await request(t.url).get('/api/v1/prompts/house-style').set(as(b)).expect(404);
    });

    it('answers 404 for an unknown id and refuses API keys', async () => {
      await request(t.url).get(`/api/admin/templates/${randomUUID()}`).set(admin()).expect(404);
      await request(t.url)
        .get('/api/admin/templates')
        .set(as(a))
        .expect((res) => expect([401, 403]).toContain(res.status));
    });
  });
});
