import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

/**
 * Requests the providers would refuse, refused by LLMHub first: the official SDKs raise their
 * usual BadRequestError naming the field (OpenAI's `param`, LLMHub's `details` on both), and no
 * provider is called. Before, each went to the provider (or was silently changed on the way).
 */
describe('/v1 request validation through the official SDKs (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'request-validation', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  async function openAiRefusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(sim.requests).toHaveLength(0);
    return error as InstanceType<typeof OpenAI.BadRequestError>;
  }

  async function anthropicRefusal(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.BadRequestError>> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(sim.requests).toHaveLength(0);
    return error as InstanceType<typeof Anthropic.BadRequestError>;
  }

  const details = (error: { error?: unknown }) => (error.error as { details?: { field: string }[]; error?: { details?: { field: string }[] } }) ?? {};
  const fieldsOf = (error: { error?: unknown }) => (details(error).details ?? details(error).error?.details ?? []).map((d) => d.field);

  describe('a model of another kind', () => {
    it('is a 400 naming model on embeddings, chat, responses, messages and images, before any provider is called', async () => {
      const refusals = [
        openAiRefusal(openai.embeddings.create({ model: 'openai/gpt-4o-mini', input: 'hello' })),
        openAiRefusal(openai.chat.completions.create({ model: 'openai/text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] })),
        openAiRefusal(openai.responses.create({ model: 'openai/dall-e-3', input: 'hi' })),
        openAiRefusal(openai.images.generate({ model: 'openai/gpt-4o-mini', prompt: 'a cat' })),
      ];
      for (const error of await Promise.all(refusals)) {
        expect(error.param).toBe('model');
        expect(error.message).toMatch(/is an? (chat|embedding|image) model; this route takes/);
      }
      const error = await anthropicRefusal(
        anthropic.messages.create({ model: 'openai/text-embedding-3-small', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(fieldsOf(error)).toEqual(['model']);
    });

    it("names the provider's model of the kind asked", async () => {
      const error = await openAiRefusal(openai.embeddings.create({ model: 'openai/gpt-4o-mini', input: 'hello' }));
      expect(error.message).toBe('400 openai/gpt-4o-mini is a chat model; this route takes an embedding model such as openai/text-embedding-3-small');
    });
  });

  describe('tools', () => {
    const lookup = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };

    it('chat completions: a tool_choice naming no tool of the request is a 400 naming tool_choice, for every provider', async () => {
      for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']) {
        const error = await openAiRefusal(
          openai.chat.completions.create({
            model,
            messages: [{ role: 'user', content: 'hi' }],
            tools: [lookup],
            tool_choice: { type: 'function', function: { name: 'lokup' } },
          }),
        );
        expect(error.param).toBe('tool_choice');
        expect(error.message).toContain('no tool named "lokup"');
      }
    });

    it('chat completions: tool_choice "required" without tools, a duplicate name, a bad name and non-object parameters are 400s naming each', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ tool_choice: 'required' }, 'tool_choice'],
        [{ tools: [lookup, lookup] }, 'tools[1].function.name'],
        [{ tools: [{ type: 'function', function: { name: 'look up!' } }] }, 'tools[0].function.name'],
        [{ tools: [{ type: 'function', function: { name: 'lookup', parameters: 'city: string' } }] }, 'tools[0].function.parameters'],
      ];
      for (const [extra, param] of cases) {
        const error = await openAiRefusal(
          openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra } as never),
        );
        expect(error.param).toBe(param);
      }
    });

    it('chat completions: tool_choice auto without tools is accepted, and not sent to a provider that would refuse it', async () => {
      await openai.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], tool_choice: 'auto' });
      await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], tool_choice: 'none' });
      expect(sim.requests.map((r) => r.body)).toEqual([
        expect.not.objectContaining({ tool_choice: expect.anything() }),
        expect.not.objectContaining({ tool_choice: expect.anything() }),
      ]);
    });

    it('responses: a tool_choice naming no tool is a 400 naming tool_choice', async () => {
      const error = await openAiRefusal(
        openai.responses.create({
          model: 'anthropic/claude-haiku-4-5',
          input: 'hi',
          tools: [{ type: 'function', name: 'lookup', parameters: {}, strict: false }],
          tool_choice: { type: 'function', name: 'lokup' },
        }),
      );
      expect(error.param).toBe('tool_choice');
    });

    it('messages: a tool_choice naming no tool, or any without tools, is a 400 in Anthropic’s shape naming tool_choice', async () => {
      for (const tool_choice of [{ type: 'tool' as const, name: 'lokup' }, { type: 'any' as const }]) {
        const error = await anthropicRefusal(
          anthropic.messages.create({
            model: 'openai/gpt-4o-mini',
            max_tokens: 10,
            messages: [{ role: 'user', content: 'hi' }],
            ...(tool_choice.type === 'tool' ? { tools: [{ name: 'lookup', input_schema: { type: 'object' as const } }] } : {}),
            tool_choice,
          }),
        );
        expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
        expect(fieldsOf(error)).toEqual(['tool_choice']);
      }
    });
  });

  describe('images and empty turns', () => {
    it('chat completions: an image URL no provider can read is a 400 naming it, before the provider is called', async () => {
      for (const url of ['hello', 'data:image/png;base64', 'data:text/html;base64,PGgxPg==']) {
        const error = await openAiRefusal(
          openai.chat.completions.create({
            model: 'anthropic/claude-haiku-4-5',
            messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }],
          }),
        );
        expect(error.param).toBe('messages[0].content[0].image_url.url');
      }
    });

    it('chat completions and responses: a user turn with an empty content array is a 400 naming it', async () => {
      const chat = await openAiRefusal(openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: [] }] }));
      expect(chat.param).toBe('messages[0].content');
      const responses = await openAiRefusal(openai.responses.create({ model: 'openai/gpt-4o-mini', input: [{ role: 'user', content: [] }] }));
      expect(responses.param).toBe('input[0].content');
    });

    it('messages: an image of a type Anthropic does not take is a 400 naming its media_type, whichever provider serves the model', async () => {
      for (const model of ['anthropic/claude-haiku-4-5', 'openai/gpt-4o-mini']) {
        const error = await anthropicRefusal(
          anthropic.messages.create({
            model,
            max_tokens: 10,
            messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp' as 'image/png', data: 'Qk0=' } }] }],
          }),
        );
        expect(fieldsOf(error)).toEqual(['messages[0].content[0].source.media_type']);
      }
    });
  });

  describe('provider refusals', () => {
    it('quote what Anthropic said, not its error body as JSON', async () => {
      const error = await openai.chat.completions
        .create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi [[sim:fault=404]]' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as Error).message).toBe('400 anthropic/claude-haiku-4-5 rejected the request: 404 model: claude-haiku-4-5');
    });
  });

  describe('images', () => {
    it('style, background, output_format, output_compression and moderation reach OpenAI as sent; a bad value is a 400 naming it', async () => {
      await openai.images.generate({ model: 'openai/dall-e-3', prompt: 'a cat', style: 'natural' });
      await openai.images.generate({
        model: 'openai/gpt-image-1',
        prompt: 'a cat',
        background: 'transparent',
        output_format: 'jpeg',
        output_compression: 50,
        moderation: 'low',
      });
      expect(sim.requests.map((r) => r.body)).toEqual([
        expect.objectContaining({ model: 'dall-e-3', style: 'natural' }),
        expect.objectContaining({ model: 'gpt-image-1', background: 'transparent', output_format: 'jpeg', output_compression: 50, moderation: 'low' }),
      ]);
      gateway.resetBetweenTests();
      const error = await openAiRefusal(openai.images.generate({ model: 'openai/gpt-image-1', prompt: 'a cat', output_format: 'gif' as 'png' }));
      expect(error.param).toBe('output_format');
    });
  });
});
