import type { ChatMessage } from '@src/llm/providers/llm-provider';
import { EXACT_COUNT_MAX_CHARS, IMAGE_TOKEN_ESTIMATE, PROMPT_CACHE_MAX_CHARS, TokensService } from '@src/llm/generation/tokens.service';

/** js-tiktoken's own encoder, the reference. Its types are ESM-only; Node loads its CommonJS build here. */
interface Encoder {
  encode(text: string, allowedSpecial: string[], disallowedSpecial: string[]): number[];
}
function referenceEncoder(): Encoder {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Tiktoken } = require('js-tiktoken/lite') as { Tiktoken: new (ranks: unknown) => Encoder };
  const ranks = require('js-tiktoken/ranks/o200k_base') as object;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new Tiktoken('default' in ranks ? ranks.default : ranks);
}

/** A deterministic pseudo-random string over `alphabet`. */
function randomText(seed: number, length: number, alphabet: string): string {
  const chars = [...alphabet];
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += chars[state % chars.length];
  }
  return out;
}

describe(TokensService.name, () => {
  const sut = new TokensService();
  let reference: Encoder;

  beforeAll(() => {
    reference = referenceEncoder();
    sut.count('load the ranks once');
  });

  it.each([
    ['hello world', 2],
    ['Hello, world!', 4],
    ['The quick brown fox jumps over the lazy dog.', 10],
    ['你好，世界', 3],
    ['', 0],
  ])('counts %j as %i o200k tokens', (text, expected) => {
    expect(sut.count(text)).toBe(expected);
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(sut.count('<|endoftext|>')).toBe(reference.encode('<|endoftext|>', [], []).length);
  });

  it('agrees with js-tiktoken on mixed scripts, emoji, whitespace and punctuation', () => {
    const alphabet = 'abcXYZ019 \n\t.,!?\'"éüß你好世界😀🎉—–-_/\\$€<>|{}';
    for (let seed = 1; seed <= 400; seed++) {
      const text = randomText(seed, seed % 180, alphabet);
      expect({ text, count: sut.count(text) }).toEqual({ text, count: reference.encode(text, [], []).length });
    }
  });

  it('agrees with js-tiktoken on ordinary prose and code', () => {
    const text = [
      'LLMHub is a self-hosted LLM gateway for a company’s own applications.',
      'function add(a: number, b: number): number {\n  return a + b;\n}\n',
      'Größere Übersetzungen kosten mehr; 1234567 tokens × $0.15 = $185.18',
      'これは日本語の文章です。トークンの数を数えます。',
    ].join('\n\n');
    expect(sut.count(text)).toBe(reference.encode(text, [], []).length);
  });

  it('estimates very long text from its UTF-8 size instead of tokenising it', () => {
    const text = 'é'.repeat(EXACT_COUNT_MAX_CHARS + 1);
    expect(sut.count(text)).toBe(Math.ceil((2 * (EXACT_COUNT_MAX_CHARS + 1)) / 4));
  });

  // A quadratic merge on these runs would take minutes and fail by the test timeout; speed itself is the bench's to measure.
  it.each([' ', '!', '\n', 'é'])('counts a long run of %j', (char) => {
    expect(sut.count(char.repeat(EXACT_COUNT_MAX_CHARS - 1))).toBeGreaterThan(0);
  });

  it('counts pathological runs close to the exact count', () => {
    const text = 'a'.repeat(EXACT_COUNT_MAX_CHARS - 1);
    const count = sut.count(text);
    // o200k merges a run of "a" into 8-letter tokens; long runs are counted in windows, so allow 0.1%
    const exact = Math.ceil(text.length / 8);
    expect(Math.abs(count - exact)).toBeLessThanOrEqual(exact / 1000);
  });

  describe('countMessages', () => {
    it('adds 3 tokens per message and 3 to prime the reply, plus the system prompt as a message', () => {
      const messages: ChatMessage[] = [
        { role: 'user', content: 'hello world' },
        { role: 'assistant', content: 'hello world' },
      ];
      expect(sut.countMessages(undefined, messages)).toBe(3 + 2 * (3 + 2));
      expect(sut.countMessages('hello world', messages)).toBe(3 + 3 * (3 + 2));
    });

    it('counts text parts and a fixed estimate per image', () => {
      const messages: ChatMessage[] = [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello world' },
            { type: 'image', url: 'data:image/png;base64,' + 'A'.repeat(10_000) },
            { type: 'image', url: 'https://example.com/cat.png' },
          ],
        },
      ];
      expect(sut.countMessages(undefined, messages)).toBe(3 + 3 + 2 + 2 * IMAGE_TOKEN_ESTIMATE);
    });

    it('counts tool calls, tool results and names', () => {
      const plain = sut.countMessages(undefined, [{ role: 'assistant', content: '' }]);
      const withCall = sut.countMessages(undefined, [
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      ]);
      const toolResult = sut.countMessages(undefined, [{ role: 'tool', content: '18°C', toolCallId: 'call_1', name: 'get_weather' }]);
      expect(withCall - plain).toBe(3 + sut.count('get_weather') + sut.count('{"city":"Paris"}'));
      expect(toolResult).toBe(3 + 3 + sut.count('18°C') + sut.count('call_1') + 1 + sut.count('get_weather'));
    });

    it('gives the same counts for texts seen again, and remembers a bounded amount of text', () => {
      const fresh = new TokensService();
      const texts = Array.from({ length: 60 }, (_, i) => randomText(i + 1, 30_000, 'ab cd,éf日本 '));
      const messages = (text: string): ChatMessage[] => [{ role: 'user', content: text }];
      const first = texts.map((text) => fresh.countMessages(text, messages(text)));
      expect(first).toEqual(texts.map((text) => 3 + 2 * (3 + sut.count(text))));
      expect(texts.map((text) => fresh.countMessages(text, messages(text)))).toEqual(first);
      const remembered = (fresh as unknown as { promptCounts: Map<string, number> }).promptCounts;
      expect([...remembered.keys()].reduce((n, text) => n + text.length, 0)).toBeLessThanOrEqual(PROMPT_CACHE_MAX_CHARS);
    });
  });

  describe('countTools', () => {
    const weather = { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

    it('counts each tool as the model reads it: name, description and parameter schema', () => {
      expect(sut.countTools([weather])).toBe(sut.count(JSON.stringify([weather])));
      // what only steers the gateway or the provider's cache is not prompt text
      expect(sut.countTools([{ ...weather, strict: true, cacheControl: { type: 'ephemeral' } }])).toBe(sut.countTools([weather]));
      expect(sut.countTools([weather, { ...weather, name: 'get_time' }])).toBeGreaterThan(sut.countTools([weather]));
    });

    it('is nothing for a call without tools', () => {
      expect(sut.countTools(undefined)).toBe(0);
      expect(sut.countTools([])).toBe(0);
    });
  });

  describe('countResponseFormat', () => {
    it("counts a json_schema's name, description and schema; json_object and no format are nothing", () => {
      const schema = { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number' } } };
      const format = { type: 'json_schema' as const, jsonSchema: { name: 'verdict', description: 'The verdict', schema } };
      expect(sut.countResponseFormat(format)).toBe(sut.count(JSON.stringify({ name: 'verdict', description: 'The verdict', schema })));
      expect(sut.countResponseFormat({ type: 'json_object' })).toBe(0);
      expect(sut.countResponseFormat(undefined)).toBe(0);
    });
  });
});
