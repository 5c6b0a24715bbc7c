import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * An SDK given the wrong base URL (the OpenAI SDK at the server root, the
 * Anthropic SDK at /v1) calls a path that is no route; the 404 it raises names
 * the base URL that SDK takes.
 */
describe('an SDK pointed at the wrong base URL', () => {
  let t: TestApp;
  let apiKey: string;
  let host: string;

  beforeAll(async () => {
    t = await startTestApp();
    host = new URL(t.url).host;
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const client = await request(t.url).post('/api/admin/clients').set(admin).send({ name: 'base-url-client' }).expect(201);
    apiKey = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin).send({ name: 'main' }).expect(201)).body.key;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('tells the OpenAI SDK at the server root that its base URL ends in /v1', async () => {
    const llm = new OpenAI({ baseURL: t.url, apiKey, maxRetries: 0 });
    const error = await llm.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toContain(
      `No such route: POST /chat/completions. OpenAI SDKs take the base URL http://${host}/v1`,
    );
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('not_found');
  });

  it('tells the OpenAI SDK at /v1/v1 (a doubled prefix) the same for the model list', async () => {
    const llm = new OpenAI({ baseURL: `${t.url}/v1/v1`, apiKey, maxRetries: 0 });
    const error = await llm.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain(`No such route: GET /v1/v1/models. OpenAI SDKs take the base URL http://${host}/v1`);
  });

  it('tells the Anthropic SDK at /v1 that its base URL is the server root', async () => {
    const llm = new Anthropic({ baseURL: `${t.url}/v1`, apiKey, maxRetries: 0 });
    const error = await llm.messages.create({ model: 'mock/echo', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as Error).message).toContain(`No such route: POST /v1/v1/messages. Anthropic SDKs take the base URL http://${host} (without /v1)`);
  });

  it('keeps the 404 not_found envelope on /api paths', async () => {
    const res = await request(t.url).post('/api/v1/chat/completions').send({}).expect(404);
    expect(res.body).toEqual({
      error: {
        code: 'not_found',
        message: `No such route: POST /api/v1/chat/completions. OpenAI SDKs take the base URL http://${host}/v1; they add /chat/completions themselves.`,
        details: [],
      },
      request_id: expect.any(String),
    });
  });
});
