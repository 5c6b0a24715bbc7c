import OpenAI from 'openai';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

const PERSON_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer' },
    role: { type: 'string', enum: ['admin', 'member'] },
    tags: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    address: { $ref: '#/$defs/address' },
    nickname: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
  required: ['name', 'age', 'role', 'tags', 'active', 'address', 'nickname'],
  additionalProperties: false,
  $defs: {
    address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

const PERSON_FORMAT = { type: 'json_schema' as const, json_schema: { name: 'person', schema: PERSON_SCHEMA, strict: true } };
const MINIMAL_PERSON = { name: '', age: 0, role: 'admin', tags: [], active: false, address: { city: '' }, nickname: '' };

/**
 * Structured outputs and logprobs through LLMHub as an OpenAI app uses them:
 * the real `openai` SDK against /v1, LLMHub's providers against the simulator.
 */
describe('response_format and logprobs through the OpenAI SDK (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let openai: OpenAI;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'structured-outputs', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(() => gateway?.close());

  beforeEach(() => gateway.resetBetweenTests());

  const chatBodies = () => sim.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body);

  async function badRequest(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    return err as InstanceType<typeof OpenAI.BadRequestError>;
  }

  describe('response_format', () => {
    it('chat.completions.parse() with a json_schema answers a parsed object that follows the schema', async () => {
      const completion = await openai.chat.completions.parse({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Invent a person.' }],
        response_format: PERSON_FORMAT,
      });
      expect(completion.choices[0]?.message.parsed).toEqual(MINIMAL_PERSON);
      expect(chatBodies()).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', response_format: PERSON_FORMAT })]);
    });

    it('json_object answers a JSON object, on OpenAI and on Groq', async () => {
      for (const model of ['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile']) {
        const res = await openai.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Answer in JSON.' }],
          response_format: { type: 'json_object' },
        });
        expect(JSON.parse(res.choices[0]?.message.content ?? '')).toEqual({});
      }
      expect(chatBodies().map((b) => b.response_format)).toEqual([{ type: 'json_object' }, { type: 'json_object' }]);
    });

    it("passes the provider's own refusal of a request on as a 400", async () => {
      // OpenAI refuses json_object unless a message mentions JSON; the simulator does too
      const err = await badRequest(
        openai.chat.completions.create({
          model: 'openai/gpt-4o-mini',
          messages: [{ role: 'user', content: 'hello' }],
          response_format: { type: 'json_object' },
        }),
      );
      expect(err.message).toContain("must contain the word 'json'");
      // the field the provider named, as OpenAI's own refusal names it
      expect(err.param).toBe('messages');
    });

    it('streams the JSON chunk by chunk through the stream helper', async () => {
      const stream = openai.chat.completions.stream({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Invent a person.' }],
        response_format: PERSON_FORMAT,
        stream_options: { include_usage: true },
      });
      let chunks = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) chunks += 1;
      const final = await stream.finalChatCompletion();
      expect(chunks).toBeGreaterThan(1);
      // the helper parses only zod (auto-parseable) formats; a plain JSON schema's content is the JSON text
      expect(JSON.parse(final.choices[0]?.message.content ?? '')).toEqual(MINIMAL_PERSON);
      expect(chatBodies()).toEqual([expect.objectContaining({ stream: true, response_format: PERSON_FORMAT })]);
    });

    describe('on anthropic/ models, through a forced tool', () => {
      const messageBodies = () => sim.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.body);

      it('chat.completions.parse() answers the parsed object, finishing with stop and no tool calls', async () => {
        const completion = await openai.chat.completions.parse({
          model: 'anthropic/claude-haiku-4-5',
          messages: [{ role: 'user', content: 'Invent a person.' }],
          response_format: PERSON_FORMAT,
        });
        const choice = completion.choices[0];
        expect(choice?.message.parsed).toEqual(MINIMAL_PERSON);
        expect(JSON.parse(choice?.message.content ?? '')).toEqual(MINIMAL_PERSON);
        expect(choice?.finish_reason).toBe('stop');
        expect(choice?.message.tool_calls ?? []).toEqual([]);
        // the usage is Anthropic's: the extra tool is prompt like any other
        expect(completion.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
        expect(messageBodies()).toEqual([
          expect.objectContaining({
            model: 'claude-haiku-4-5',
            tools: [expect.objectContaining({ name: 'person', input_schema: PERSON_SCHEMA, strict: true })],
            tool_choice: { type: 'tool', name: 'person' },
          }),
        ]);
        expect(messageBodies()[0]).not.toHaveProperty('response_format');
      });

      it('json_object answers a JSON object through a json_response tool that takes any object', async () => {
        const res = await openai.chat.completions.create({
          model: 'anthropic/claude-haiku-4-5',
          messages: [{ role: 'user', content: 'Answer in JSON.' }],
          response_format: { type: 'json_object' },
        });
        expect(JSON.parse(res.choices[0]?.message.content ?? '')).toEqual({});
        expect(res.choices[0]?.finish_reason).toBe('stop');
        expect(messageBodies()[0]).toMatchObject({
          tools: [{ name: 'json_response', input_schema: { type: 'object', additionalProperties: true } }],
          tool_choice: { type: 'tool', name: 'json_response' },
        });
      });

      it("streams the tool's partial JSON as content deltas", async () => {
        const stream = openai.chat.completions.stream({
          model: 'anthropic/claude-haiku-4-5',
          messages: [{ role: 'user', content: 'Invent a person.' }],
          response_format: PERSON_FORMAT,
          stream_options: { include_usage: true },
        });
        let chunks = 0;
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta.content) chunks += 1;
          expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
        }
        const final = await stream.finalChatCompletion();
        expect(chunks).toBeGreaterThan(1);
        expect(JSON.parse(final.choices[0]?.message.content ?? '')).toEqual(MINIMAL_PERSON);
        expect(final.choices[0]?.finish_reason).toBe('stop');
        expect(final.usage?.completion_tokens).toEqual(expect.any(Number));
        expect(messageBodies()).toEqual([expect.objectContaining({ stream: true, tool_choice: { type: 'tool', name: 'person' } })]);
      });

      describe("beside the caller's own tools (tool_choice any over them and the format tool)", () => {
        const LOOKUP = {
          type: 'function' as const,
          function: {
            name: 'lookup',
            strict: true,
            parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false },
          },
        };
        const ask = (directive: string) => [{ role: 'user' as const, content: `Find the person, then describe them. [[sim:${directive}]]` }];

        it("answers a call of the caller's tool as a tool call, finishing with tool_calls", async () => {
          const res = await openai.chat.completions.create({
            model: 'anthropic/claude-haiku-4-5',
            messages: ask('tool=lookup'),
            response_format: PERSON_FORMAT,
            tools: [LOOKUP],
          });
          const choice = res.choices[0];
          expect(choice?.finish_reason).toBe('tool_calls');
          expect(choice?.message.tool_calls).toEqual([expect.objectContaining({ type: 'function', function: { name: 'lookup', arguments: '{"q":""}' } })]);
          expect(messageBodies()).toEqual([
            expect.objectContaining({
              tools: [expect.objectContaining({ name: 'lookup' }), expect.objectContaining({ name: 'person', input_schema: PERSON_SCHEMA })],
              tool_choice: { type: 'any' },
            }),
          ]);
        });

        it('answers the format tool as the final JSON content, finishing with stop and no tool calls', async () => {
          const completion = await openai.chat.completions.parse({
            model: 'anthropic/claude-haiku-4-5',
            messages: ask('tool=person'),
            response_format: PERSON_FORMAT,
            tools: [LOOKUP],
          });
          const choice = completion.choices[0];
          expect(choice?.message.parsed).toEqual(MINIMAL_PERSON);
          expect(choice?.finish_reason).toBe('stop');
          expect(choice?.message.tool_calls ?? []).toEqual([]);
        });

        it("streams either: tool call deltas for the caller's tool, content deltas for the format tool", async () => {
          const toolStream = openai.chat.completions.stream({
            model: 'anthropic/claude-haiku-4-5',
            messages: ask('tool=lookup'),
            response_format: PERSON_FORMAT,
            tools: [LOOKUP],
          });
          for await (const chunk of toolStream) expect(chunk.choices[0]?.delta.content ?? '').toBe('');
          const called = await toolStream.finalChatCompletion();
          expect(called.choices[0]?.finish_reason).toBe('tool_calls');
          expect(called.choices[0]?.message.tool_calls?.map((c) => (c.type === 'function' ? c.function : c))).toEqual([
            expect.objectContaining({ name: 'lookup', arguments: '{"q":""}' }),
          ]);

          const answerStream = openai.chat.completions.stream({
            model: 'anthropic/claude-haiku-4-5',
            messages: ask('tool=person'),
            response_format: PERSON_FORMAT,
            tools: [LOOKUP],
          });
          for await (const chunk of answerStream) expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
          const answered = await answerStream.finalChatCompletion();
          expect(answered.choices[0]?.finish_reason).toBe('stop');
          expect(JSON.parse(answered.choices[0]?.message.content ?? '')).toEqual(MINIMAL_PERSON);
        });

        it('keeps tool_choice as the caller set it: a named tool stays forced, required leaves the format out, none leaves only the format', async () => {
          const named = await openai.chat.completions.create({
            model: 'anthropic/claude-haiku-4-5',
            messages: ask('output_tokens=2'),
            response_format: PERSON_FORMAT,
            tools: [LOOKUP],
            tool_choice: { type: 'function', function: { name: 'lookup' } },
          });
          expect(named.choices[0]?.finish_reason).toBe('tool_calls');
          const required = await openai.chat.completions.create({
            model: 'anthropic/claude-haiku-4-5',
            messages: ask('output_tokens=2'),
            response_format: PERSON_FORMAT,
            tools: [LOOKUP],
            tool_choice: 'required',
          });
          const requiredCall = required.choices[0]?.message.tool_calls?.[0];
          expect(requiredCall?.type === 'function' ? requiredCall.function.name : requiredCall).toBe('lookup');
          const none = await openai.chat.completions.create({
            model: 'anthropic/claude-haiku-4-5',
            messages: ask('output_tokens=2'),
            response_format: PERSON_FORMAT,
            tools: [LOOKUP],
            tool_choice: 'none',
          });
          expect(JSON.parse(none.choices[0]?.message.content ?? '')).toEqual(MINIMAL_PERSON);
          expect(messageBodies().map((b) => [(b.tools as { name: string }[]).map((t) => t.name), b.tool_choice])).toEqual([
            [['lookup', 'person'], { type: 'tool', name: 'lookup' }],
            [['lookup'], { type: 'any' }],
            [['person'], { type: 'tool', name: 'person' }],
          ]);
        });

        it('refuses a tool named as the response_format schema is, naming the clash', async () => {
          const err = await badRequest(
            openai.chat.completions.create({
              model: 'anthropic/claude-haiku-4-5',
              messages: ask('output_tokens=2'),
              response_format: PERSON_FORMAT,
              tools: [{ type: 'function', function: { name: 'person', parameters: { type: 'object', properties: {} } } }],
            }),
          );
          expect(err.message).toContain('A tool is named "person", as the response_format\'s schema is');
        });
      });
    });

    it('names the malformed part of a response_format', async () => {
      const err = await badRequest(
        openai.chat.completions.create({
          model: 'openai/gpt-4o-mini',
          messages: [{ role: 'user', content: 'hi' }],
          response_format: { type: 'json_schema', json_schema: { name: 'not a name!' } },
        }),
      );
      expect(err.param).toBe('response_format.json_schema.name');
    });

    it('accepts {"type":"text"} on any provider (it is the default)', async () => {
      const res = await openai.chat.completions.create({
        model: 'anthropic/claude-haiku-4-5',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'text' },
      });
      expect(res.choices[0]?.message.content).toEqual(expect.any(String));
    });
  });

  describe('logprobs', () => {
    it("answers the provider's logprobs for each token, with the top alternatives asked for", async () => {
      const res = await openai.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        logprobs: true,
        top_logprobs: 2,
        max_tokens: 4,
      });
      const choice = res.choices[0];
      const tokens = choice.logprobs?.content ?? [];
      expect(tokens.map((tk) => tk.token).join('')).toBe(choice.message.content);
      expect(tokens).toHaveLength(4);
      for (const tk of tokens) {
        expect(tk).toEqual({ token: expect.any(String), logprob: expect.any(Number), bytes: expect.any(Array), top_logprobs: expect.any(Array) });
        expect(tk.top_logprobs).toHaveLength(2);
        expect(tk.top_logprobs[0]).toMatchObject({ token: tk.token, logprob: tk.logprob });
      }
      expect(choice.logprobs?.refusal).toBeNull();
      expect(chatBodies()).toEqual([expect.objectContaining({ logprobs: true, top_logprobs: 2 })]);
    });

    it('streams each chunk with the logprobs of its own tokens', async () => {
      const stream = await openai.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        logprobs: true,
        max_tokens: 3,
        stream: true,
      });
      const seen: { content: string; tokens: string[] }[] = [];
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.delta.content) seen.push({ content: choice.delta.content, tokens: (choice.logprobs?.content ?? []).map((tk) => tk.token) });
      }
      expect(seen).toHaveLength(3);
      for (const s of seen) expect(s.tokens.join('')).toBe(s.content);
    });

    it('still answers logprobs: null when they were not asked for', async () => {
      const res = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.choices[0]?.logprobs).toBeNull();
      expect(chatBodies()[0]).not.toHaveProperty('logprobs');
      expect(chatBodies()[0]).not.toHaveProperty('response_format');
    });

    it('answers 400 naming logprobs for providers without them (Anthropic, Groq)', async () => {
      for (const model of ['anthropic/claude-haiku-4-5', 'groq/llama-3.3-70b-versatile']) {
        const err = await badRequest(openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], logprobs: true }));
        expect(err.param).toBe('logprobs');
        expect(err.message).toContain('supported by openai');
      }
      expect(sim.requests).toHaveLength(0);
    });

    it('names top_logprobs out of range', async () => {
      const err = await badRequest(
        openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], logprobs: true, top_logprobs: 21 }),
      );
      expect(err.param).toBe('top_logprobs');
    });
  });
});
