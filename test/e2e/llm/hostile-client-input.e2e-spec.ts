import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { pollUntil } from '@test/support/poll';

/**
 * Unusual or hostile input on the client API, answered as a user of the official SDKs expects:
 * refused before any provider is called, in the route's envelope, naming the field, and recorded
 * as the docs say (a generation's refusal as one `rejected` row; a token count never).
 */
describe('unusual client input on /v1 (e2e)', () => {
  let gateway: GatewayFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'hostile-input', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    openai = new OpenAI({ baseURL: `${gateway.app.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.app.url, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  async function refusal<E>(call: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(type);
    return error as E;
  }

  type Detailed = { error?: unknown };
  const fieldsOf = (error: Detailed) => ((error.error as { details?: { field: string }[] }).details ?? []).map((d) => d.field);

  /** The Anthropic SDK reads its request id from Anthropic's `request-id` header; LLMHub's is in the body. */
  const anthropicRequestId = (error: InstanceType<typeof Anthropic.APIError>) => (error.error as { request_id?: string }).request_id;

  type Row = { status: string; error_code: string };
  const readRecord = async (requestId: string | null | undefined): Promise<Row | undefined> =>
    (await gateway.db.query<Row>('SELECT status, error_code FROM llm_generation_log WHERE id = $1', [requestId])).rows[0];

  /** The call's usage record, once written (records are written just after the answer). */
  const recordOf = (requestId: string | null | undefined) =>
    pollUntil(
      () => readRecord(requestId),
      (row) => row !== undefined,
    );

  /** The records of calls made before a refused generation whose own record is written by now. */
  async function recordsBeforeARefusal(requestIds: (string | null | undefined)[]): Promise<(Row | undefined)[]> {
    const marker = await refusal(openai.chat.completions.create({ model: 'mock/echo', messages: [] }), OpenAI.BadRequestError);
    expect(await recordOf(marker.requestID)).toEqual({ status: 'rejected', error_code: 'validation_error' });
    return Promise.all(requestIds.map(readRecord));
  }

  describe('/v1/images/generations: a size, count or quality the model does not make', () => {
    const cases: [string, Partial<OpenAI.ImageGenerateParams>, string][] = [
      ['dall-e-3', { size: '256x256' }, 'size'],
      ['dall-e-3', { n: 2 }, 'n'],
      ['dall-e-3', { quality: 'low' }, 'quality'],
      ['dall-e-2', { size: '1024x1792' }, 'size'],
      ['dall-e-2', { quality: 'hd' }, 'quality'],
      ['gpt-image-1', { size: '1792x1024' }, 'size'],
      ['gpt-image-1', { quality: 'hd' }, 'quality'],
    ];

    it.each(cases)('openai/%s with %j is a 400 naming %s, recorded as rejected, before OpenAI is called', async (model, params, field) => {
      const error = await refusal(openai.images.generate({ model: `openai/${model}`, prompt: 'a lighthouse', ...params }), OpenAI.BadRequestError);
      expect(error.param).toBe(field);
      expect(fieldsOf(error)).toEqual([field]);
      expect(error.message).toContain(model === 'gpt-image-1' ? 'gpt-image' : model);
      expect(gateway.sim.requests).toHaveLength(0);
      expect(await recordOf(error.requestID)).toEqual({ status: 'rejected', error_code: 'validation_error' });
    });

    it('names every wrong field at once, with what the model takes', async () => {
      const error = await refusal(openai.images.generate({ model: 'openai/dall-e-3', prompt: 'a lighthouse', size: '512x512', n: 3 }), OpenAI.BadRequestError);
      expect(fieldsOf(error)).toEqual(['size', 'n']);
      expect(error.message).toContain('1024x1024, 1792x1024 or 1024x1792');
      expect(error.message).toContain('one image per request');
    });

    it('still passes on what each model takes', async () => {
      await openai.images.generate({ model: 'openai/dall-e-3', prompt: 'a lighthouse', size: '1792x1024', quality: 'hd' });
      await openai.images.generate({ model: 'openai/dall-e-2', prompt: 'a lighthouse', size: '256x256', n: 4 });
      await openai.images.generate({ model: 'openai/gpt-image-1', prompt: 'a lighthouse', size: '1536x1024', quality: 'low', n: 2 });
      expect(gateway.sim.requests).toHaveLength(3);
    });

    it('is a 422 naming the field on /api/v1/images/generate too', async () => {
      const res = await fetch(`${gateway.app.url}/api/v1/images/generate`, {
        method: 'POST',
        headers: { 'x-api-key': gateway.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/dall-e-3', prompt: 'a lighthouse', size: '13x13' }),
      });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; details: { field: string }[] } };
      expect(body.error.code).toBe('validation_error');
      expect(body.error.details.map((d) => d.field)).toEqual(['size']);
      expect(gateway.sim.requests).toHaveLength(0);
    });
  });

  describe('routes that are not generations leave no usage record, refused or not', () => {
    it('a refused /v1/messages/count_tokens (a bad body, a model the key may not use, a bad key)', async () => {
      const invalid = await refusal(
        anthropic.messages.countTokens({ model: 'mock/echo', messages: [] as Anthropic.MessageParam[] }),
        Anthropic.BadRequestError,
      );
      expect(fieldsOf({ error: (invalid.error as { error: unknown }).error })).toEqual(['messages']);
      const narrow = await gateway.newClient({ allowed_models: ['mock/echo'] });
      const narrowSdk = new Anthropic({ baseURL: gateway.app.url, apiKey: narrow.key, maxRetries: 0 });
      const notAllowed = await refusal(
        narrowSdk.messages.countTokens({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
        Anthropic.PermissionDeniedError,
      );
      const badKey = new Anthropic({ baseURL: gateway.app.url, apiKey: 'lh_not-a-key', maxRetries: 0 });
      const unauthenticated = await refusal(
        badKey.messages.countTokens({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
        Anthropic.AuthenticationError,
      );
      expect(await recordsBeforeARefusal([invalid, notAllowed, unauthenticated].map(anthropicRequestId))).toEqual([undefined, undefined, undefined]);
    });

    it('a model or stored response that does not exist', async () => {
      const model = await refusal(openai.models.retrieve('openai/no-such-model'), OpenAI.NotFoundError);
      const response = await refusal(openai.responses.retrieve('resp_nothing'), OpenAI.NotFoundError);
      const deleted = await refusal(openai.responses.delete('resp_nothing'), OpenAI.NotFoundError);
      const page = await refusal(anthropic.models.list({ limit: 0 }), Anthropic.BadRequestError);
      expect(await recordsBeforeARefusal([model.requestID, response.requestID, deleted.requestID, anthropicRequestId(page)])).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    });
  });

  describe('/v1/responses: logprobs and store as the Responses API takes them', () => {
    const LOGPROBS = ['message.output_text.logprobs'] as OpenAI.Responses.ResponseIncludable[];
    type Logprob = { token: string; top_logprobs: unknown[] };
    const logprobsOf = (response: OpenAI.Responses.Response): Logprob[] =>
      response.output.flatMap((item) =>
        item.type === 'message' ? item.content.flatMap((part) => (part.type === 'output_text' ? (part.logprobs ?? []) : [])) : [],
      );

    it('answers the output text logprobs, with top_logprobs alternatives, when include asks for them', async () => {
      const response = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', include: LOGPROBS, top_logprobs: 2, max_output_tokens: 5 });
      const logprobs = logprobsOf(response);
      expect(logprobs.length).toBeGreaterThan(0);
      expect(logprobs.map((t) => t.token).join('')).toBe(response.output_text);
      for (const token of logprobs) expect(token.top_logprobs).toHaveLength(2);
      expect(response.top_logprobs).toBe(2);
      expect(gateway.sim.requests[0]?.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
    });

    it('streams them with each text delta, and whole in the final response', async () => {
      const stream = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', include: LOGPROBS, max_output_tokens: 5, stream: true });
      const streamed: Logprob[] = [];
      let final: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') streamed.push(...(event.logprobs as unknown as Logprob[]));
        if (event.type === 'response.completed' || event.type === 'response.incomplete') final = event.response;
      }
      expect(streamed.length).toBeGreaterThan(0);
      expect(logprobsOf(final!)).toEqual(streamed);
      const text = final!.output.flatMap((item) => (item.type === 'message' ? item.content.map((part) => (part.type === 'output_text' ? part.text : '')) : []));
      expect(streamed.map((t) => t.token).join('')).toBe(text.join(''));
    });

    it('answers no logprobs for top_logprobs without the include, as OpenAI does (not a 400)', async () => {
      const response = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', top_logprobs: 3 });
      expect(logprobsOf(response)).toEqual([]);
      expect(gateway.sim.requests[0]?.body).not.toHaveProperty('logprobs');
    });

    it('refuses logprobs for a provider without them, naming include and the providers that have them', async () => {
      const error = await refusal(openai.responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'hi', include: LOGPROBS }), OpenAI.BadRequestError);
      expect(error.param).toBe('include');
      expect(error.message).toContain('openai');
      expect(gateway.sim.requests).toHaveLength(0);
    });

    it.each([21, 1.5, -1, 'five'])('refuses top_logprobs %p, naming it', async (value) => {
      const error = await refusal(openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', top_logprobs: value as number }), OpenAI.BadRequestError);
      expect(error.param).toBe('top_logprobs');
    });

    it('takes store true or false, answers store: false, and says the response cannot be retrieved', async () => {
      for (const store of [true, false]) {
        const response = await openai.responses.create({ model: 'mock/echo', input: 'hi', store });
        expect((response as unknown as { store: boolean }).store).toBe(false);
        const missing = await refusal(openai.responses.retrieve(response.id), OpenAI.NotFoundError);
        expect(missing.message).toContain('not stored');
      }
      const error = await refusal(openai.responses.create({ model: 'mock/echo', input: 'hi', store: 'no' as unknown as boolean }), OpenAI.BadRequestError);
      expect(error.param).toBe('store');
    });
  });

  it('names the messages, and does not blame Anthropic, for tool call arguments in the history that are not a JSON object', async () => {
    const error = await refusal(
      openai.chat.completions.create({
        model: 'anthropic/claude-haiku-4-5',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{bad' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      }),
      OpenAI.BadRequestError,
    );
    expect(error.param).toBe('messages');
    expect(error.message).toContain('cannot take the request: tool call c1 has arguments that are not a JSON object');
    expect(gateway.sim.requests).toHaveLength(0);
  });
});
