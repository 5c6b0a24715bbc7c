import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Client } from 'pg';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';
import { PricingService } from '@src/llm/pricing/pricing.service';

const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};

const LOOKUP_TOOL = {
  type: 'function' as const,
  name: 'lookup',
  description: 'Look a city up',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

/**
 * The OpenAI Responses API through LLMHub as an app following OpenAI's quickstart uses it:
 * the real `openai` SDK's `responses` against /v1, LLMHub's providers against the simulator,
 * usage checked in llm_generation_log.
 */
describe('POST /v1/responses through the OpenAI SDK (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let openai: OpenAI;
  let pricing: PricingService;
  let db: Client;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'responses-api', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim, db } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
    pricing = t.app.get(PricingService);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const upstream = (suffix: string) => sim.requests.filter((r) => r.path.endsWith(suffix));

  /** numeric(…, 10) as stored, without its trailing zeros: the decimal string the API answers */
  const storedCost = (row: Record<string, any>) => String(row.cost_usd).replace(/\.?0+$/, '');

  async function logRow(id: string): Promise<Record<string, any>> {
    const { rows } = await db.query('SELECT * FROM llm_generation_log WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  async function apiError<E extends new (...args: never[]) => InstanceType<typeof OpenAI.APIError>>(
    promise: Promise<unknown>,
    type: E,
  ): Promise<InstanceType<E>> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(type);
    return err as InstanceType<E>;
  }

  describe('non-streaming', () => {
    it.each([
      ['openai/gpt-4o-mini', '/chat/completions'],
      ['anthropic/claude-haiku-4-5', '/messages'],
    ])('answers a string input on %s: output_text, usage, the cost header and the usage row, as the chat route for the same call', async (model, path) => {
      const { data, response } = await openai.responses.create({ model, input: 'Write a tagline for a bakery.' }).withResponse();
      expect(data).toMatchObject({
        id: expect.stringMatching(/^resp_/),
        object: 'response',
        status: 'completed',
        error: null,
        incomplete_details: null,
        model,
        store: false,
        output: [
          {
            type: 'message',
            id: expect.stringMatching(/^msg_/),
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: expect.any(String), annotations: [] }],
          },
        ],
      });
      expect(data.created_at).toBeGreaterThan(1_700_000_000);
      expect(data.created_at).toBeLessThan(Date.now() / 1000 + 1);
      expect(data.output_text.length).toBeGreaterThan(0);

      const sent = upstream(path)[0];
      const usage = sent.usage!;
      expect(data.usage).toMatchObject({
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        total_tokens: usage.input_tokens + usage.output_tokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      });
      const cost = pricing.cost(model, { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens })!.toFixed();
      expect(response.headers.get('x-llmhub-cost-usd')).toBe(cost);
      expect((data.usage as unknown as { cost_usd: string }).cost_usd).toBe(cost);
      expect(response.headers.get('x-llmhub-overhead-ms')).toMatch(/^\d+\.\d{3}$/);

      const row = await logRow(response.headers.get('x-request-id')!);
      expect(row).toMatchObject({
        endpoint: '/v1/responses',
        status: 'success',
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        is_stream: false,
      });
      expect(storedCost(row)).toBe(cost);

      // the same call through /v1/chat/completions: the same upstream request, tokens and cost
      sim.reset();
      const chat = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Write a tagline for a bakery.' }] }).withResponse();
      expect(upstream(path)[0].body).toEqual(sent.body);
      expect(chat.response.headers.get('x-llmhub-cost-usd')).toBe(cost);
      const chatRow = await logRow(chat.response.headers.get('x-request-id')!);
      const billed = (r: Record<string, any>) => ({
        client_id: r.client_id,
        provider: r.provider,
        model: r.model,
        status: r.status,
        input_tokens: r.input_tokens,
        output_tokens: r.output_tokens,
        cost_usd: r.cost_usd,
        attempts: r.attempts,
      });
      expect(billed(chatRow)).toEqual(billed(row));
      expect(chatRow.endpoint).toBe('/v1/chat/completions');
    });

    it('reads instructions and a multi-turn history of items (developer, output_text history) into the provider’s request', async () => {
      const res = await openai.responses.create({
        model: 'anthropic/claude-haiku-4-5',
        instructions: 'Answer in French.',
        input: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: 'Hi, I am Ann.' },
          { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello Ann!', annotations: [] }] },
          { role: 'user', content: [{ type: 'input_text', text: 'What is my name?' }] },
        ],
        max_output_tokens: 50,
        temperature: 0.3,
        metadata: { feature: 'greeting' },
      });
      expect(res.status).toBe('completed');
      expect(res).toMatchObject({ instructions: 'Answer in French.', max_output_tokens: 50, temperature: 0.3, metadata: { feature: 'greeting' } });
      expect(upstream('/messages')[0].body).toMatchObject({
        system: 'Answer in French.\n\nBe brief.',
        max_tokens: 50,
        messages: [
          { role: 'user', content: 'Hi, I am Ann.' },
          { role: 'assistant', content: [{ type: 'text', text: 'Hello Ann!' }] },
          { role: 'user', content: [{ type: 'text', text: 'What is my name?' }] },
        ],
      });
    });

    it('passes images on as chat does', async () => {
      const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
      await openai.responses.create({
        model: 'openai/gpt-4o-mini',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: pixel, detail: 'low' },
            ],
          },
        ],
      });
      expect(upstream('/chat/completions')[0].body.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: pixel, detail: 'low' } },
          ],
        },
      ]);
    });

    it('answers status incomplete with reason max_output_tokens when the output is cut', async () => {
      const res = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'Tell me a long story.', max_output_tokens: 3 });
      expect(res.status).toBe('incomplete');
      expect(res.incomplete_details).toEqual({ reason: 'max_output_tokens' });
      expect(res.output_text).toBe('word1 word2 word3');
      expect(res.usage?.output_tokens).toBe(3);
    });

    it('works on the mock provider with no account anywhere', async () => {
      const res = await openai.responses.create({ model: 'mock/echo', input: 'ping' });
      expect(res.output_text).toContain('ping');
    });
  });

  describe('streaming', () => {
    it('create({stream: true}) answers OpenAI’s events in order, numbered, the deltas making the text, then response.completed with usage', async () => {
      const stream = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'Stream a tagline [[sim:chunks=4]]', stream: true });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const types = events.map((e) => e.type);
      expect(types).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        ...types.slice(4, -4).map(() => 'response.output_text.delta'),
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(types.filter((type) => type === 'response.output_text.delta').length).toBeGreaterThan(1);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));

      const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
      const done = events.find((e) => e.type === 'response.output_text.done');
      expect(done).toMatchObject({ text: deltas.join(''), output_index: 0, content_index: 0 });
      const created = events[0] as Extract<ResponseStreamEvent, { type: 'response.created' }>;
      expect(created.response).toMatchObject({ status: 'in_progress', output: [], usage: null, model: 'openai/gpt-4o-mini' });

      const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>;
      const usage = upstream('/chat/completions')[0].usage!;
      expect(completed.response).toMatchObject({
        id: created.response.id,
        status: 'completed',
        output: [{ type: 'message', status: 'completed', content: [{ type: 'output_text', text: deltas.join('') }] }],
        usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens },
      });
      const requestId = (completed.response as unknown as { request_id: string }).request_id;
      const row = await logRow(requestId);
      expect(row).toMatchObject({ endpoint: '/v1/responses', status: 'success', is_stream: true, output_tokens: usage.output_tokens });
      expect(storedCost(row)).toBe((completed.response.usage as unknown as { cost_usd: string }).cost_usd);
    });

    it('responses.stream(...).finalResponse() gives the whole response, on an anthropic model', async () => {
      const stream = openai.responses.stream({ model: 'anthropic/claude-haiku-4-5', input: 'Stream please', max_output_tokens: 64 });
      let text = '';
      stream.on('response.output_text.delta', (e) => (text += e.delta));
      const final = await stream.finalResponse();
      expect(final.status).toBe('completed');
      expect(final.output_text).toBe(text);
      expect(text.length).toBeGreaterThan(0);
      expect(final.usage?.output_tokens).toBe(upstream('/messages')[0].usage!.output_tokens);
    });

    it('ends with response.incomplete when the output is cut by max_output_tokens', async () => {
      const stream = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'Long story', max_output_tokens: 3, stream: true });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const last = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.incomplete' }>;
      expect(last.type).toBe('response.incomplete');
      expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    });

    it('a provider failing mid-stream ends it with an error event and response.failed, and the call is recorded as an error', async () => {
      const stream = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'x [[sim:fault=malformed]]', stream: true });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const [error, failed] = events.slice(-2);
      expect(error).toMatchObject({ type: 'error', code: 'upstream_error', message: expect.stringContaining('stream failed'), param: null });
      expect(failed).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'upstream_error' } } });
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const requestId = ((failed as Extract<ResponseStreamEvent, { type: 'response.failed' }>).response as unknown as { request_id: string }).request_id;
      expect(await logRow(requestId)).toMatchObject({ endpoint: '/v1/responses', status: 'error', error_code: 'upstream_error', is_stream: true });
    });
  });

  describe('function tools', () => {
    it('answers a function_call item, then takes the function_call_output back (anthropic)', async () => {
      const first = await openai.responses.create({
        model: 'anthropic/claude-haiku-4-5',
        input: 'What is the weather in Paris?',
        tools: [LOOKUP_TOOL],
        tool_choice: { type: 'function', name: 'lookup' },
      });
      expect(first.output).toEqual([
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: expect.any(String),
          name: 'lookup',
          arguments: '{"city":""}',
          status: 'completed',
        },
      ]);
      expect(first.output_text).toBe('');
      expect(upstream('/messages')[0].body).toMatchObject({
        tools: [{ name: 'lookup', description: 'Look a city up', input_schema: LOOKUP_TOOL.parameters, strict: true }],
        tool_choice: { type: 'tool', name: 'lookup' },
      });
      const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;

      sim.reset();
      const second = await openai.responses.create({
        model: 'anthropic/claude-haiku-4-5',
        input: [
          { role: 'user', content: 'What is the weather in Paris?' },
          { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c": 21}' },
        ],
        tools: [LOOKUP_TOOL],
      });
      expect(second.output_text.length).toBeGreaterThan(0);
      expect(upstream('/messages')[0].body.messages).toEqual([
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: call.call_id, name: 'lookup', input: { city: '' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.call_id, content: [{ type: 'text', text: '{"temp_c": 21}' }] }] },
      ]);
    });

    it('sends tools, tool_choice required, parallel_tool_calls false and the call history to an OpenAI-shaped provider', async () => {
      await openai.responses.create({
        model: 'openai/gpt-4o-mini',
        input: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"city":"Paris"}' },
          { type: 'function_call', call_id: 'call_2', name: 'lookup', arguments: '{"city":"Rome"}' },
          { type: 'function_call_output', call_id: 'call_1', output: '21' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: '25' }] },
        ],
        tools: [LOOKUP_TOOL],
        tool_choice: 'required',
        parallel_tool_calls: false,
      });
      expect(upstream('/chat/completions')[0].body).toMatchObject({
        tools: [{ type: 'function', function: { name: 'lookup', description: 'Look a city up', parameters: LOOKUP_TOOL.parameters, strict: true } }],
        tool_choice: 'required',
        parallel_tool_calls: false,
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '21' },
          { role: 'tool', tool_call_id: 'call_2', content: '25' },
        ],
      });
    });

    it('streams a function call as output_item.added, function_call_arguments.delta/.done and output_item.done', async () => {
      const stream = openai.responses.stream({
        model: 'anthropic/claude-haiku-4-5',
        input: 'Weather in Paris?',
        tools: [LOOKUP_TOOL],
        tool_choice: { type: 'function', name: 'lookup' },
      });
      const types: string[] = [];
      stream.on('event', (e) => types.push(e.type));
      const final = await stream.finalResponse();
      expect(types[0]).toBe('response.created');
      expect(types).toContain('response.function_call_arguments.delta');
      expect(types.filter((type) => !type.endsWith('.delta'))).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(final.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'lookup', arguments: '{"city":""}', status: 'completed' })]);
    });
  });

  describe('text.format', () => {
    it('responses.parse() with a json_schema answers output_parsed, on openai and on anthropic (through a forced tool)', async () => {
      for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']) {
        const res = await openai.responses.parse({
          model,
          input: 'Invent a person.',
          text: { format: { type: 'json_schema', name: 'person', schema: PERSON_SCHEMA, strict: true } },
        });
        expect(res.output_parsed).toEqual({ name: '', age: 0 });
        expect(res.text).toEqual({ format: { type: 'json_schema', name: 'person', schema: PERSON_SCHEMA, strict: true } });
      }
      expect(upstream('/chat/completions')[0].body.response_format).toEqual({
        type: 'json_schema',
        json_schema: { name: 'person', schema: PERSON_SCHEMA, strict: true },
      });
      expect(upstream('/messages')[0].body).toMatchObject({
        tools: [expect.objectContaining({ name: 'person' })],
        tool_choice: { type: 'tool', name: 'person' },
      });
    });

    it('json_object answers a JSON object', async () => {
      const res = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'Answer in JSON.', text: { format: { type: 'json_object' } } });
      expect(JSON.parse(res.output_text)).toEqual({});
    });

    it('names text.format, not response_format, when the provider has no JSON mode', async () => {
      const err = await apiError(
        openai.responses.create({ model: 'mock/echo', input: 'Answer in JSON.', text: { format: { type: 'json_object' } } }),
        OpenAI.BadRequestError,
      );
      expect(err.param).toBe('text.format');
      expect(err.message).toContain('text.format');
      expect(err.message).not.toContain('response_format');
    });
  });

  describe('refusals', () => {
    const refusals: Array<[string, Record<string, unknown>, string, string]> = [
      ['previous_response_id', { previous_response_id: 'resp_123' }, 'previous_response_id', 'send the whole conversation in input'],
      ['conversation', { conversation: 'conv_123' }, 'conversation', 'send the whole conversation in input'],
      ['background', { background: true }, 'background', 'background'],
      ['a built-in tool', { tools: [{ type: 'web_search' }] }, 'tools[0].type', 'web_search'],
      [
        'a built-in tool after a function',
        { tools: [LOOKUP_TOOL, { type: 'code_interpreter', container: { type: 'auto' } }] },
        'tools[1].type',
        'code_interpreter',
      ],
      ['a built-in tool_choice', { tool_choice: { type: 'file_search' } }, 'tool_choice', 'file_search'],
      [
        'an input_file by file_id',
        { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] },
        'input[0].content[0].file_data',
        'file_id needs OpenAI’s file storage',
      ],
      [
        'an input_audio part',
        { input: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] },
        'input[0].content[0].type',
        'input_audio',
      ],
      [
        'an image by file_id',
        { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }] },
        'input[0].content[0].image_url',
        'file_id',
      ],
      ['an item_reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', 'item_reference'],
      ['a wrong role', { input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'expected user'],
      ['an empty input', { input: [] }, 'input', 'non-empty'],
      ['no input', { input: undefined }, 'input', 'required'],
      ['a function_call without call_id', { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', 'required'],
      ['a temperature out of range', { temperature: 3 }, 'temperature', 'at most 2'],
      ['a max_output_tokens that is not an integer', { max_output_tokens: 1.5 }, 'max_output_tokens', 'integer'],
      ['a wrong text.format type', { text: { format: { type: 'xml' } } }, 'text.format.type', 'expected text'],
      ['a json_schema without schema', { text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', 'JSON schema'],
      ['the chat spelling messages', { messages: [{ role: 'user', content: 'x' }] }, 'messages', 'input'],
      ['the chat spelling response_format', { response_format: { type: 'json_object' } }, 'response_format', 'text.format'],
    ];

    it.each(refusals)('refuses %s with a 400 invalid_request_error naming the field', async (_name, extra, field, words) => {
      const err = await apiError(
        openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', ...extra } as OpenAI.Responses.ResponseCreateParamsNonStreaming),
        OpenAI.BadRequestError,
      );
      expect(err.status).toBe(400);
      expect(err.type).toBe('invalid_request_error');
      expect(err.code).toBe('validation_error');
      expect(err.param).toBe(field);
      expect(err.message).toContain(field);
      expect(err.message).toContain(words);
      expect(sim.requests).toHaveLength(0);
    });

    it('accepts store, reasoning items, truncation and the other fields that change nothing', async () => {
      const res = await openai.responses.create({
        model: 'openai/gpt-4o-mini',
        input: [
          { role: 'user', content: 'hi' },
          { type: 'reasoning', id: 'rs_1', summary: [] },
        ],
        store: true,
        truncation: 'auto',
        reasoning: { summary: 'auto' },
        service_tier: 'auto',
        include: ['reasoning.encrypted_content'],
      });
      expect(res.status).toBe('completed');
      expect((res as unknown as { store: boolean }).store).toBe(false);
      expect(res.reasoning).toEqual({ effort: null, summary: null });
      expect(upstream('/chat/completions')[0].body).not.toHaveProperty('reasoning_effort');
    });

    it('passes reasoning.effort on as reasoning_effort and echoes it; refuses it, naming reasoning.effort, where no provider would honour it', async () => {
      const res = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', reasoning: { effort: 'minimal' } });
      expect(res.reasoning).toEqual({ effort: 'minimal', summary: null });
      expect(upstream('/chat/completions')[0].body).toMatchObject({ reasoning_effort: 'minimal' });
      sim.reset();

      const refused = await apiError(
        openai.responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'hi', reasoning: { effort: 'low' } }),
        OpenAI.BadRequestError,
      );
      expect(refused.param).toBe('reasoning.effort');
      expect(refused.message).toContain('reasoning.effort is not supported by anthropic');
      const unknown = await apiError(
        openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', reasoning: { effort: 'extreme' as 'low' } }),
        OpenAI.BadRequestError,
      );
      expect(unknown.param).toBe('reasoning.effort');
      expect(sim.requests).toHaveLength(0);
    });

    it('passes text.verbosity on as verbosity and echoes it; refuses it, naming text.verbosity, where no provider would honour it', async () => {
      const res = await openai.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', text: { verbosity: 'low' } });
      expect(res.text).toEqual({ format: { type: 'text' }, verbosity: 'low' });
      expect(upstream('/chat/completions')[0].body).toMatchObject({ verbosity: 'low' });
      sim.reset();
      const refused = await apiError(
        openai.responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'hi', text: { verbosity: 'high' } }),
        OpenAI.BadRequestError,
      );
      expect(refused.param).toBe('text.verbosity');
      expect(refused.message).toContain('text.verbosity is not supported by anthropic');
      expect(sim.requests).toHaveLength(0);
    });

    it('answers GET and DELETE /v1/responses/{id} with a 404 saying responses are not stored', async () => {
      const get = await apiError(openai.responses.retrieve('resp_123'), OpenAI.NotFoundError);
      expect(get.message).toContain('not stored');
      expect(get.code).toBe('not_found');
      const del = await apiError(openai.responses.delete('resp_123'), OpenAI.NotFoundError);
      expect(del.message).toContain('not stored');
    });
  });

  describe('auth, limits and budget, in the OpenAI envelope', () => {
    it('raises AuthenticationError for a wrong key', async () => {
      const bad = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'llm_not_a_key', maxRetries: 0 });
      const err = await apiError(bad.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi' }), OpenAI.AuthenticationError);
      expect(err.code).toBe('invalid_api_key');
      expect(err.type).toBe('authentication_error');
    });

    it('raises RateLimitError once the client’s requests per minute are spent', async () => {
      const client = await gateway.newClient({ rate_limit_rpm: 1 });
      const limited = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: client.key, maxRetries: 0 });
      await limited.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi' });
      const err = await apiError(limited.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi' }), OpenAI.RateLimitError);
      expect(err.code).toBe('rate_limited');
      expect(err.headers?.get('retry-after')).toMatch(/^\d+$/);
    });

    it('reserves max_output_tokens against the budget and answers 402 budget_exceeded before calling the provider', async () => {
      // gpt-4o-mini: $0.60 per million output tokens; 1,000 output tokens reserve $0.0006, more than $0.0001
      const client = await gateway.newClient({ monthly_budget_usd: '0.0001' });
      const budgeted = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: client.key, maxRetries: 0 });
      const err = await apiError(budgeted.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', max_output_tokens: 1_000 }), OpenAI.APIError);
      expect(err.status).toBe(402);
      expect(err.code).toBe('budget_exceeded');
      expect(sim.requests).toHaveLength(0);
      const row = await logRow(err.headers!.get('x-request-id')!);
      expect(row).toMatchObject({ endpoint: '/v1/responses', error_code: 'budget_exceeded' });
    });
  });
});
