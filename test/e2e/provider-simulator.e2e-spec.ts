import Anthropic from '@anthropic-ai/sdk';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { waitUntil } from '../support/poll';
import { embeddingVector, TINY_PNG } from '../support/provider-simulator/openai';
import { startProviderSimulator, type ProviderSimulator } from '../support/provider-simulator/server';
import { countWords, imageOutputTokens, inputTokensFor, replyChunks, replyText } from '../support/provider-simulator/tokens';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('ProviderSimulator', () => {
  let sim: ProviderSimulator;

  const openai = (opts: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI =>
    new OpenAI({ apiKey: 'sk-test', baseURL: `${sim.url}/v1`, maxRetries: 0, ...opts });
  const anthropic = (opts: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic =>
    new Anthropic({ apiKey: 'sk-ant-test', baseURL: sim.url, maxRetries: 0, ...opts });
  const groq = (opts: Partial<ConstructorParameters<typeof Groq>[0]> = {}): Groq => new Groq({ apiKey: 'gsk-test', baseURL: sim.url, maxRetries: 0, ...opts });

  const post = (path: string, body: string, headers: Record<string, string>): Promise<Response> =>
    fetch(`${sim.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    sim = await startProviderSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  describe('deterministic tokens', () => {
    it('counts words of the system prompt and every message, string or text parts, ignoring markers', () => {
      const messages = [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: [{ type: 'text', text: 'one two' }, { type: 'image_url' }, { type: 'text', text: 'three' }] },
        { role: 'user', content: 'four [[sim:output_tokens=2]] five' },
      ];
      expect(inputTokensFor(messages)).toBe(8);
      expect(inputTokensFor([{ role: 'user', content: '   ' }])).toBe(1);
      expect(inputTokensFor([{ role: 'user', content: 'a b' }], 'sys prompt here')).toBe(5);
      expect(countWords(' a\tb\n c  ')).toBe(3);
    });

    it('splits the reply into chunks that join back to the reply text', () => {
      expect(replyChunks(5, 2).join('')).toBe(replyText(5));
      expect(replyChunks(5, 2)).toHaveLength(2);
      expect(replyChunks(3)).toEqual(['word1', ' word2', ' word3']);
      expect(replyChunks(2, 10)).toHaveLength(2);
    });
  });

  describe('OpenAI', () => {
    it('answers a chat completion with the exact deterministic usage', async () => {
      const res = await openai().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello to the world' },
        ],
      });
      expect(res.object).toBe('chat.completion');
      expect(res.model).toBe('gpt-4o-mini');
      expect(res.choices[0].message.content).toBe(replyText(12));
      expect(res.choices[0].finish_reason).toBe('stop');
      expect(res.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 12, total_tokens: 20 });
      expect(sim.requests).toHaveLength(1);
      expect(sim.requests[0]).toMatchObject({ provider: 'openai', path: '/v1/chat/completions', aborted: false });
      expect(sim.requests[0].body.model).toBe('gpt-4o-mini');
      expect(sim.requests[0].headers.authorization).toBe('Bearer sk-test');
      expect(sim.requests[0].usage).toEqual({ input_tokens: 8, output_tokens: 12 });
    });

    it('caps the reply at max_tokens / max_completion_tokens and reports finish_reason length', async () => {
      const a = await openai().chat.completions.create({ model: 'gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
      expect(a.usage?.completion_tokens).toBe(5);
      expect(a.choices[0].finish_reason).toBe('length');
      const b = await openai().chat.completions.create({
        model: 'gpt-4o',
        max_completion_tokens: 3,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(b.choices[0].message.content).toBe('word1 word2 word3');
      const c = await openai().chat.completions.create({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
      expect(c.usage?.completion_tokens).toBe(12);
      expect(c.choices[0].finish_reason).toBe('stop');
    });

    it('streams one word per chunk with no usage chunk unless include_usage is set', async () => {
      const stream = await openai().chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'stream me please' }],
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const contents = chunks.map((c) => c.choices[0]?.delta.content ?? '').filter((t) => t !== '');
      expect(contents).toHaveLength(12);
      expect(contents.join('')).toBe(replyText(12));
      expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.choices.length === 1)).toBe(true);
      expect(chunks.some((c) => c.usage)).toBe(false);
      expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
    });

    it('ends the stream with a choices-less usage chunk when include_usage is true', async () => {
      const stream = await openai().chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'stream me please' }],
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const last = chunks[chunks.length - 1];
      expect(last.choices).toEqual([]);
      expect(last.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 12, total_tokens: 15 });
      expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    });

    it('answers n choices, each its own words, with usage covering them all', async () => {
      const res = await openai().chat.completions.create({ model: 'gpt-4o-mini', n: 3, max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] });
      expect(res.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
        [0, 'word1 word2', 'length'],
        [1, 'c1word1 c1word2', 'length'],
        [2, 'c2word1 c2word2', 'length'],
      ]);
      expect(res.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 6, total_tokens: 7 });
      expect(sim.requests[0].usage).toEqual({ input_tokens: 1, output_tokens: 6 });
    });

    it('streams n choices as OpenAI does: each opens with its role, their chunks alternate by index, each finishes, one usage chunk', async () => {
      const stream = await openai().chat.completions.create({
        model: 'gpt-4o-mini',
        n: 2,
        max_tokens: 2,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const steps = chunks.map((c) =>
        c.choices[0] ? [c.choices[0].index, c.choices[0].delta.role ?? c.choices[0].delta.content ?? c.choices[0].finish_reason] : 'usage',
      );
      expect(steps).toEqual([
        [0, 'assistant'],
        [1, 'assistant'],
        [0, 'word1'],
        [1, 'c1word1'],
        [0, ' word2'],
        [1, ' c1word2'],
        [0, 'length'],
        [1, 'length'],
        'usage',
      ]);
      expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 4 });
    });

    it('refuses n above 128 as OpenAI does', async () => {
      const err = await openai()
        .chat.completions.create({ model: 'gpt-4o-mini', n: 129, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as Error).message).toContain("Invalid 'n'");
    });

    it('returns deterministic embeddings, base64 by SDK default and floats on request, honouring dimensions', async () => {
      const client = openai();
      const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'] });
      expect(res.data).toHaveLength(2);
      expect(res.data[0].embedding).toEqual(embeddingVector('alpha beta', 8));
      expect(res.data[1].embedding).toEqual(embeddingVector('gamma', 8));
      expect(res.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
      expect(sim.requests[0].body.encoding_format).toBe('base64');

      const floats = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'alpha beta',
        dimensions: 16,
        encoding_format: 'float',
      });
      expect(floats.data[0].embedding).toHaveLength(16);
      const norm = Math.sqrt(floats.data[0].embedding.reduce((s, v) => s + v * v, 0));
      expect(norm).toBeCloseTo(1, 5);
    });

    it('generates DALL·E images as fetchable PNG URLs or base64', async () => {
      const client = openai();
      const urls = await client.images.generate({ model: 'dall-e-3', prompt: 'a red fox', n: 1, size: '1024x1024', quality: 'hd' });
      expect(urls.data?.[0].url).toMatch(new RegExp(`^${sim.url}/sim-images/.+\\.png$`));
      expect(urls.usage).toBeUndefined();
      const png = Buffer.from(await (await fetch(urls.data![0].url!)).arrayBuffer());
      expect(png).toEqual(TINY_PNG);

      const b64 = await client.images.generate({ model: 'dall-e-2', prompt: 'fox', n: 2, response_format: 'b64_json' });
      expect(b64.data).toHaveLength(2);
      expect(Buffer.from(b64.data![1].b64_json!, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
    });

    it('reports gpt-image usage like the real API', async () => {
      const res = await openai().images.generate({ model: 'gpt-image-1', prompt: 'a small red fox', n: 2, size: '1024x1536', quality: 'low' });
      expect(res.data?.[0].b64_json).toBeDefined();
      expect(res.usage).toMatchObject({
        input_tokens: 4,
        output_tokens: 2 * imageOutputTokens('1024x1536', 'low'),
        total_tokens: 4 + 2 * 408,
        input_tokens_details: { text_tokens: 4, image_tokens: 0 },
      });
    });

    it('lists the models the gateway prices', async () => {
      const ids: string[] = [];
      for await (const model of openai().models.list()) ids.push(model.id);
      expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small', 'dall-e-3', 'gpt-image-1']));
    });
  });

  describe('Anthropic', () => {
    it('answers a message with usage counted over the system prompt and content blocks', async () => {
      const msg = await anthropic().messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 100,
        system: 'Be brief now.',
        messages: [
          { role: 'user', content: 'hello there' },
          { role: 'assistant', content: 'hi' },
          { role: 'user', content: [{ type: 'text', text: 'tell me a story' }] },
        ],
      });
      expect(msg.type).toBe('message');
      expect(msg.content).toEqual([{ type: 'text', text: replyText(12) }]);
      expect(msg.stop_reason).toBe('end_turn');
      expect(msg.usage).toMatchObject({ input_tokens: 10, output_tokens: 12 });
      expect(sim.requests[0]).toMatchObject({ provider: 'anthropic', path: '/v1/messages' });
      expect(sim.requests[0].headers['anthropic-version']).toEqual(expect.any(String));
    });

    it('stops at max_tokens with stop_reason max_tokens', async () => {
      const msg = await anthropic().messages.create({ model: 'claude-haiku-4-5', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] });
      expect(msg.usage.output_tokens).toBe(4);
      expect(msg.stop_reason).toBe('max_tokens');
    });

    it('streams every SSE event so messages.stream() assembles the text and the final usage', async () => {
      const stream = anthropic().messages.stream({
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'stream a reply [[sim:chunks=3;output_tokens=7]]' }],
      });
      const types: string[] = [];
      const deltas: string[] = [];
      stream.on('streamEvent', (event) => types.push(event.type));
      stream.on('text', (delta) => deltas.push(delta));
      const final = await stream.finalMessage();
      expect(types).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      expect(deltas.join('')).toBe(replyText(7));
      expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 7 });
      expect(final.stop_reason).toBe('end_turn');
    });

    it('rejects a request without anthropic-version or credentials in the Anthropic error shape', async () => {
      const noVersion = await post('/v1/messages', '{}', { 'x-api-key': 'k' });
      expect(noVersion.status).toBe(400);
      expect(await noVersion.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      const noKey = await post('/v1/messages', '{}', { 'anthropic-version': '2023-06-01', 'x-api-key': '' });
      expect(noKey.status).toBe(401);
      expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
      const viaHeader = await post('/v1/messages', JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 2, messages: [{ role: 'user', content: 'x' }] }), {
        'anthropic-version': '2023-06-01',
        'x-api-key': 'k',
      });
      expect(viaHeader.status).toBe(200);
    });
  });

  describe('Groq', () => {
    it('answers a chat completion under /openai/v1 with Groq usage', async () => {
      const res = await groq().chat.completions.create({
        model: 'llama-3.3-70b-versatile',
        messages: [{ role: 'user', content: 'hello groq friend' }],
      });
      expect(res.choices[0].message.content).toBe(replyText(12));
      expect(res.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 12, total_tokens: 15 });
      expect(sim.requests[0]).toMatchObject({ provider: 'groq', path: '/openai/v1/chat/completions' });
    });

    it('refuses n other than 1, as Groq does', async () => {
      const err = await groq()
        .chat.completions.create({ model: 'llama-3.3-70b-versatile', n: 2, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Groq.BadRequestError);
      expect((err as Error).message).toContain("'n' : number must be at most 1");
    });

    it('puts usage in x_groq.usage of the final chunk and a usage chunk only with include_usage', async () => {
      const collect = async (includeUsage: boolean): Promise<Groq.Chat.ChatCompletionChunk[]> => {
        const stream = await groq().chat.completions.create({
          model: 'llama-3.1-8b-instant',
          stream: true,
          ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
          messages: [{ role: 'user', content: 'one two' }],
        });
        const chunks: Groq.Chat.ChatCompletionChunk[] = [];
        for await (const chunk of stream) chunks.push(chunk);
        return chunks;
      };
      const plain = await collect(false);
      const finish = plain[plain.length - 1];
      expect(finish.choices[0].finish_reason).toBe('stop');
      expect(finish.x_groq?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 12, total_tokens: 14 });
      expect(plain.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(replyText(12));
      expect(plain.some((c) => c.choices.length === 0)).toBe(false);

      const withUsage = await collect(true);
      const last = withUsage[withUsage.length - 1];
      expect(last.choices).toEqual([]);
      expect((last as { usage?: unknown }).usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 12 });
    });

    it('lists Groq models', async () => {
      const list = await groq().models.list();
      expect(list.data.map((m) => m.id)).toContain('llama-3.3-70b-versatile');
    });
  });

  describe('errors in provider shape', () => {
    it('rejects missing credentials with 401 invalid_api_key', async () => {
      const res = await post('/v1/chat/completions', '{}', {});
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
      const groqRes = await post('/openai/v1/chat/completions', '{}', { authorization: 'Bearer ' });
      expect(groqRes.status).toBe(401);
    });

    it('answers an unknown route with 404 in the caller provider shape', async () => {
      const oa = await post('/v1/nope', '{}', { authorization: 'Bearer k' });
      expect(oa.status).toBe(404);
      expect(await oa.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
      const an = await post('/v1/nope', '{}', { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
      expect(an.status).toBe(404);
      expect(await an.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    });

    it('answers an invalid JSON body with 400 and still logs it', async () => {
      const res = await post('/v1/chat/completions', '{not json', { authorization: 'Bearer k' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
      const an = await post('/v1/messages', '{not json', { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
      expect(an.status).toBe(400);
      expect(await an.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(sim.requests.map((r) => r.body)).toEqual(['{not json', '{not json']);
    });
  });

  describe('faults', () => {
    const hi = [{ role: 'user' as const, content: 'hi' }];

    it('429 carries Retry-After and surfaces as RateLimitError in every SDK', async () => {
      const headers = { 'x-sim': 'fault=429;retry_after=7' };
      const oa = await openai()
        .chat.completions.create({ model: 'gpt-4o', messages: hi }, { headers })
        .catch((e: unknown) => e);
      expect(oa).toBeInstanceOf(OpenAI.RateLimitError);
      expect((oa as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
      expect((oa as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');

      const an = await anthropic()
        .messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: hi }, { headers })
        .catch((e: unknown) => e);
      expect(an).toBeInstanceOf(Anthropic.RateLimitError);
      expect((an as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ error: { type: 'rate_limit_error' } });

      const gq = await groq()
        .chat.completions.create({ model: 'llama-3.1-8b-instant', messages: hi }, { headers })
        .catch((e: unknown) => e);
      expect(gq).toBeInstanceOf(Groq.RateLimitError);
    });

    it('500 and 503 surface as server errors with those statuses (Anthropic’s overload as its own 529 overloaded_error)', async () => {
      for (const status of [500, 503]) {
        const err = await openai()
          .chat.completions.create({ model: 'gpt-4o', messages: hi }, { headers: { 'x-sim': `fault=${status}` } })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OpenAI.InternalServerError);
        expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
        const an = await anthropic()
          .messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: hi }, { headers: { 'x-sim': `fault=${status}` } })
          .catch((e: unknown) => e);
        expect(an).toBeInstanceOf(Anthropic.InternalServerError);
        expect((an as InstanceType<typeof Anthropic.APIError>).status).toBe(status === 503 ? 529 : status);
        if (status === 503) expect((an as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'overloaded_error' } });
      }
    });

    it('hang never answers: the SDK times out and the request is logged aborted', async () => {
      const started = Date.now();
      const err = await openai({ timeout: 200 })
        .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'wait [[sim:fault=hang]]' }] })
        .catch((e: unknown) => e);
      // Outside jest this is APIConnectionTimeoutError; under jest the SDK cannot recognise
      // undici's cross-realm AbortError, so only its base class is certain.
      expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      await waitUntil(() => sim.requests[0]?.aborted === true, 'the simulator saw the abort', { timeoutMs: 10_000, intervalMs: 10 });
    });

    it('malformed answers 200 with a non-JSON body, and a non-JSON data line in streams', async () => {
      const headers = { 'x-sim': 'fault=malformed' };
      const json = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o', messages: hi }), {
        authorization: 'Bearer k',
        ...headers,
      });
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toBe('application/json');
      const text = await json.text();
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      // SyntaxError comes from undici's realm, not jest's, so match it by name.
      await expect(openai().chat.completions.create({ model: 'gpt-4o', messages: hi }, { headers })).rejects.toMatchObject({
        name: 'SyntaxError',
      });

      const stream = await openai({ logLevel: 'off' }).chat.completions.create({ model: 'gpt-4o', stream: true, messages: hi }, { headers });
      const seen: string[] = [];
      await expect(
        (async () => {
          for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
        })(),
      ).rejects.toMatchObject({ name: 'SyntaxError' });
      expect(seen.join('')).toBe(replyChunks(12).slice(0, 6).join(''));
    });

    it('cut drops the connection mid-stream so the SDK iterator raises', async () => {
      const stream = await openai().chat.completions.create({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'go [[sim:fault=cut;chunk_delay_ms=5]]' }],
      });
      const seen: string[] = [];
      await expect(
        (async () => {
          for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
        })(),
      ).rejects.toThrow();
      expect(seen.join('')).toBe(replyChunks(12).slice(0, 6).join(''));
      expect(sim.requests[0].aborted).toBe(false);

      const an = anthropic().messages.stream({ model: 'claude-haiku-4-5', max_tokens: 20, messages: hi }, { headers: { 'x-sim': 'fault=cut' } });
      await expect(an.finalMessage()).rejects.toThrow();

      await expect(openai().chat.completions.create({ model: 'gpt-4o', messages: hi }, { headers: { 'x-sim': 'fault=cut' } })).rejects.toThrow('terminated');
    });

    it('fail_first fails the first N requests of an id, then succeeds (SDK retry)', async () => {
      const client = openai({ maxRetries: 2 });
      const headers = { 'x-sim': 'fail_first=2;id=retry-a;fault=429;retry_after=0.01' };
      const res = await client.chat.completions.create({ model: 'gpt-4o', messages: hi }, { headers });
      expect(res.choices[0].message.content).toBe(replyText(12));
      expect(sim.requests).toHaveLength(3);
    });

    it('fail_first defaults to 503, counts per id and is cleared by reset()', async () => {
      const ask = (id: string) =>
        openai()
          .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `hi [[sim:fail_first=1;id=${id}]]` }] })
          .then(
            () => 200,
            (e: InstanceType<typeof OpenAI.APIError>) => e.status,
          );
      expect(await ask('b')).toBe(503);
      expect(await ask('c')).toBe(503);
      expect(await ask('b')).toBe(200);
      sim.reset();
      expect(await ask('b')).toBe(503);
    });
  });

  describe('directives', () => {
    it('reads the x-sim header', async () => {
      const res = await openai().chat.completions.create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-sim': 'output_tokens=3' } },
      );
      expect(res.choices[0].message.content).toBe('word1 word2 word3');
    });

    it('reads a [[sim:...]] marker in the last user message and does not count it', async () => {
      const res = await openai().chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'ignored [[sim:output_tokens=9]]' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'hello [[sim:output_tokens=2;chunks=1]] world' },
        ],
      });
      expect(res.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2 });
    });

    it('lets the header win over the in-message marker', async () => {
      const res = await anthropic().messages.create(
        { model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'x [[sim:output_tokens=2]]' }] },
        { headers: { 'x-sim': 'output_tokens=5' } },
      );
      expect(res.usage.output_tokens).toBe(5);
    });

    it('delays headers by latency_ms and stream events by chunk_delay_ms', async () => {
      const started = Date.now();
      await openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi [[sim:latency_ms=120]]' }] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);

      // measured from the request, not between arrivals: a pause of this process after the first chunk
      // (a busy machine, a collection) would have the next ones read together, closer than they were sent
      const streamStarted = Date.now();
      const stream = await openai().chat.completions.create({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'hi [[sim:chunk_delay_ms=20;output_tokens=4]]' }],
      });
      const arrivals: number[] = [];
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(Date.now());
      expect(arrivals).toHaveLength(4);
      // the fourth text chunk leaves three delays of 20 ms after the first
      expect(arrivals[3] - streamStarted).toBeGreaterThanOrEqual(50);
    });

    it('logs a client abort mid-stream as aborted', async () => {
      const controller = new AbortController();
      const stream = await openai().chat.completions.create(
        { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi [[sim:chunk_delay_ms=50]]' }] },
        { signal: controller.signal },
      );
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) break;
      }
      await waitUntil(() => sim.requests[0]?.aborted === true, 'the simulator saw the abort', { timeoutMs: 10_000, intervalMs: 10 });
    });
  });
});
