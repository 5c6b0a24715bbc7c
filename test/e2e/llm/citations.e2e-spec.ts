import Anthropic from '@anthropic-ai/sdk';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

const MENU = 'Bread: 3 euros. Croissant: 2 euros. Coffee: 2.50 euros.';
/** A two-page PDF: enough of one for the providers' checks. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n' +
    '3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n4 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
).toString('base64');

/**
 * Claude's citations through LLMHub as an Anthropic app asks for them: a document with
 * `citations: {enabled: true}` reaches Anthropic as sent, and the answer comes back in the text blocks
 * Claude split it into, each cited one with its citations (streamed as `citations_delta` before its
 * text), through the real `@anthropic-ai/sdk`. A provider that cites nothing refuses such a request.
 */
describe('citations through the Anthropic SDK (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let anthropic: Anthropic;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'citations', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim } = gateway);
    anthropic = new Anthropic({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const menuQuestion = (model = 'anthropic/claude-haiku-4-5') => ({
    model,
    max_tokens: 256,
    messages: [
      {
        role: 'user' as const,
        content: [
          {
            type: 'document' as const,
            source: { type: 'text' as const, media_type: 'text/plain' as const, data: MENU },
            title: 'Menu',
            citations: { enabled: true },
          },
          { type: 'text' as const, text: 'What does bread cost? [[sim:output_tokens=3]]' },
        ],
      },
    ],
  });
  const MENU_CITATION = {
    type: 'char_location',
    cited_text: MENU.slice(0, 40),
    document_index: 0,
    document_title: 'Menu',
    start_char_index: 0,
    end_char_index: 40,
    file_id: null,
  };

  it('sends the document with citations on, and answers the text blocks as Claude split them, the cited one with its citation', async () => {
    const { data: message, response } = await anthropic.messages.create(menuQuestion()).withResponse();
    expect(message.content).toEqual([
      { type: 'text', text: 'word1 ', citations: null },
      { type: 'text', text: 'word2 word3', citations: [MENU_CITATION] },
    ]);
    expect(sim.requests[0].body.messages[0].content[0]).toEqual({
      type: 'document',
      source: { type: 'text', media_type: 'text/plain', data: MENU },
      title: 'Menu',
      citations: { enabled: true },
    });
    // the cited text is not output: billed as the provider counts it
    expect(message.usage.output_tokens).toBe(3);
    expect(response.headers.get('x-llmhub-cost-usd')).toMatch(/^\d+\.\d+$/);
  });

  it('streams a cited block as Anthropic does: its citations_delta, then its text; the SDK’s final message is the unstreamed one', async () => {
    const stream = anthropic.messages.stream(menuQuestion());
    const citations: unknown[] = [];
    stream.on('citation', (citation) => citations.push(citation));
    const final = await stream.finalMessage();
    expect(citations).toEqual([MENU_CITATION]);
    expect(final.content).toEqual([
      { type: 'text', text: 'word1 ', citations: null },
      { type: 'text', text: 'word2 word3', citations: [MENU_CITATION] },
    ]);

    const raw = await anthropic.messages.create({ ...menuQuestion(), stream: true });
    const seen: string[] = [];
    for await (const event of raw) {
      if (event.type === 'content_block_start') seen.push(`start ${event.index}`);
      else if (event.type === 'content_block_delta') seen.push(`${event.delta.type} ${event.index}`);
      else if (event.type === 'content_block_stop') seen.push(`stop ${event.index}`);
    }
    expect(seen).toEqual(['start 0', 'text_delta 0', 'stop 0', 'start 1', 'citations_delta 1', 'text_delta 1', 'stop 1']);
  });

  it('cites pages of a PDF; a document without citations on is answered in one uncited block', async () => {
    const message = await anthropic.messages.create({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 256,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'not cited' }, citations: { enabled: false } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, citations: { enabled: true } },
            { type: 'text', text: 'Summarise. [[sim:output_tokens=2]]' },
          ],
        },
      ],
    });
    expect(message.content[1]).toEqual({
      type: 'text',
      text: 'word2',
      citations: [expect.objectContaining({ type: 'page_location', document_index: 1, document_title: null, start_page_number: 1, end_page_number: 2 })],
    });
    expect(sim.requests[0].body.messages[0].content[0]).not.toHaveProperty('citations');

    const plain = await anthropic.messages.create({
      ...menuQuestion(),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: MENU } },
            { type: 'text', text: 'hi' },
          ],
        },
      ],
    });
    expect(plain.content.map((b) => b.type === 'text' && b.citations)).toEqual([null]);
  });

  it('refuses citations for a model whose provider cites nothing, naming messages, before any call', async () => {
    for (const model of ['openai/gpt-4o-mini', 'mock/echo']) {
      const err = await anthropic.messages.create(menuQuestion(model)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      const body = (err as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string; details: { field: string; message: string }[] } };
      expect(body.error.details).toEqual([{ field: 'messages', message: expect.stringContaining('supported by anthropic') }]);
    }
    expect(sim.requests).toHaveLength(0);
  });
});
