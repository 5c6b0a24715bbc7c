import { _iterSSEMessages } from 'openai/core/streaming';
import { SseDecoder, SseMessage } from '@src/llm/providers/sse-decoder';

/** Every message the decoder dispatches for these chunks. */
function decode(chunks: (string | Buffer)[]): SseMessage[] {
  const decoder = new SseDecoder();
  return chunks.flatMap((chunk) => decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
}

/** What the openai SDK's own SSE reader makes of the same chunks (the behaviour the decoder must keep). */
async function sdkDecode(chunks: (string | Buffer)[]): Promise<SseMessage[]> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
  const out: SseMessage[] = [];
  const response = { body: body() } as unknown as Response;
  for await (const sse of _iterSSEMessages(response, new AbortController())) out.push({ event: sse.event, data: sse.data });
  return out;
}

/** Every way to cut `text` into two or three pieces at byte positions (split events, split CRLF, split UTF-8). */
function splits(text: string): Buffer[][] {
  const bytes = Buffer.from(text);
  const out: Buffer[][] = [[bytes]];
  for (let i = 1; i < bytes.length; i++) {
    out.push([bytes.subarray(0, i), bytes.subarray(i)]);
    for (let j = i + 1; j < bytes.length; j += 3) out.push([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
  }
  return out;
}

const CASES: Record<string, string> = {
  'LF events': 'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n',
  'CRLF events': 'data: {"a":1}\r\n\r\ndata: {"a":2}\r\n\r\n',
  'CR events': 'data: {"a":1}\r\rdata: {"a":2}\r\r',
  'mixed line ends': 'data: x\r\n\ndata: y\n\r\ndata: z\r\n\r',
  'multi-line data': 'data: line one\ndata: line two\ndata:\ndata\n\n',
  'comments and keep-alives': ': keep-alive\n\n:\n\ndata: {"a":1}\n: between\n\n',
  'event names and other fields': 'event: message\ndata: 1\nid: 7\nretry: 100\n\nevent:\n\nevent: error\ndata: {"error":{}}\n\nunknown: x\n\n',
  'no space after the colon, two spaces': 'data:tight\n\ndata:  spaced\n\n',
  'final event without a blank line': 'data: {"a":1}\n\ndata: {"a":2}\n',
  'final event without any line end': 'data: {"a":1}\n\ndata: {"a":2}',
  'blank lines only': '\n\n\r\n\r\n',
  'UTF-8 text': 'data: {"t":"héllo wörld ✓ 😀"}\n\n',
  'byte order mark': '\uFEFFdata: {"a":1}\n\n',
  'empty data line': 'data:\n\ndata: \n\n',
};

describe(SseDecoder.name, () => {
  it('splits events on blank lines and joins multi-line data with LF', () => {
    expect(decode(['data: a\ndata: b\n\nevent: x\ndata: c\n\n'])).toEqual([
      { event: null, data: 'a\nb' },
      { event: 'x', data: 'c' },
    ]);
  });

  it('dispatches an event as soon as its blank line arrives, not held back for the next chunk', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(Buffer.from('data: {"a":1}\n'))).toEqual([]);
    expect(decoder.push(Buffer.from('\n'))).toEqual([{ event: null, data: '{"a":1}' }]);
    expect(decoder.push(Buffer.from('data: {"a":2}\r\n\r'))).toEqual([{ event: null, data: '{"a":2}' }]);
    // the LF completing the CRLF above is not a second blank line
    expect(decoder.push(Buffer.from('\ndata: 3\n\n'))).toEqual([{ event: null, data: '3' }]);
  });

  it('ignores comments (keep-alives) and drops an event the body ends before its blank line', () => {
    expect(decode([': ping\n\n', 'data: 1\n\n', ': ping\n\n', 'data: 2\n'])).toEqual([{ event: null, data: '1' }]);
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const bytes = Buffer.from('data: ✓\n\n');
    expect(decode([bytes.subarray(0, 7), bytes.subarray(7)])).toEqual([{ event: null, data: '✓' }]);
  });

  for (const [name, text] of Object.entries(CASES)) {
    it(`dispatches what the openai SDK dispatches, however the bytes are cut: ${name}`, async () => {
      const expected = await sdkDecode([text]);
      for (const chunks of splits(text)) expect(decode(chunks)).toEqual(expected);
      expect(await sdkDecode(splits(text)[1] ?? [text])).toEqual(expected);
    });
  }

  it('refuses an event larger than its limit, whether one line never ends or its data lines never stop, and not a long stream', () => {
    const limited = () => new SseDecoder(1_000);
    const endless = limited();
    endless.push(Buffer.from('data: {"padding": "'));
    expect(() => {
      for (let i = 0; i < 20; i++) endless.push(Buffer.from('x'.repeat(100)));
    }).toThrow(expect.objectContaining({ name: 'ProviderError', kind: 'malformed', message: expect.stringMatching(/event .* is larger than/) }));

    const manyLines = limited();
    expect(() => {
      for (let i = 0; i < 20; i++) manyLines.push(Buffer.from(`data: ${'y'.repeat(90)}\n`));
    }).toThrow(/larger than/);

    // a stream of many events is as long as it likes; one event just under the limit passes
    const long = limited();
    let events = 0;
    for (let i = 0; i < 100; i++) events += long.push(Buffer.from(`data: ${'z'.repeat(900)}\n\n`)).length;
    expect(events).toBe(100);
  });
});
