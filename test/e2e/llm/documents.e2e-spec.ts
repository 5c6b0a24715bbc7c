import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Client } from 'pg';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';
import { PDF_PAGE_TOKENS } from '@test/support/provider-simulator/tokens';
import { PricingService } from '@src/llm/pricing/pricing.service';

/** A two-page PDF: enough of one for the providers' checks and a page count. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n' +
    '3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n4 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
).toString('base64');
const DATA_URL = `data:application/pdf;base64,${PDF}`;

/**
 * PDF (and plain-text) documents through LLMHub as apps send them: Anthropic's document blocks with the
 * real `@anthropic-ai/sdk`, OpenAI's file parts (chat) and input_file parts (Responses) with the real
 * `openai` SDK. Each reaches a provider that reads documents in that provider's own shape, is refused
 * naming `messages` by one that does not, and is billed as the provider counts it.
 */
describe('documents through the Anthropic and OpenAI SDKs (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let db: Client;
  let anthropic: Anthropic;
  let openai: OpenAI;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'documents', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim, db } = gateway);
    anthropic = new Anthropic({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const sentContent = () => (sim.requests[0].body as { messages: { content: unknown }[] }).messages[0].content;

  async function refusal(promise: Promise<unknown>, sdk: typeof Anthropic | typeof OpenAI): Promise<{ message: string; details: { field: string }[] }> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(sdk.BadRequestError);
    const body = (err as { error: unknown }).error as { error?: unknown; message?: string; details?: unknown };
    return (sdk === Anthropic ? body.error : body) as { message: string; details: { field: string }[] };
  }

  const pdfBlock = (extra: Partial<Anthropic.DocumentBlockParam> = {}): Anthropic.DocumentBlockParam => ({
    type: 'document',
    source: { type: 'base64', media_type: 'application/pdf', data: PDF },
    ...extra,
  });

  it('passes an Anthropic document block to Claude as sent, and bills the pages as Anthropic counts them', async () => {
    const { data: message, response } = await anthropic.messages
      .create({
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 5,
        messages: [
          {
            role: 'user',
            content: [pdfBlock({ title: 'Invoice 42', context: 'from ACME', cache_control: { type: 'ephemeral' } }), { type: 'text', text: 'total due?' }],
          },
        ],
      })
      .withResponse();
    expect(sentContent()).toEqual([
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: PDF },
        title: 'Invoice 42',
        context: 'from ACME',
        cache_control: { type: 'ephemeral' },
      },
      { type: 'text', text: 'total due?' },
    ]);
    // two pages and two words, as the simulator counts them; the first call writes the prompt to the cache
    const input = 2 * PDF_PAGE_TOKENS + 2;
    expect(message.usage.input_tokens + message.usage.cache_creation_input_tokens!).toBe(input);
    const { rows } = await db.query('SELECT input_tokens, cost_usd::text FROM llm_generation_log WHERE id = $1', [response.headers.get('x-request-id')]);
    expect(rows[0].input_tokens).toBe(input);
    const cost = t.app.get(PricingService).costUsd('anthropic/claude-haiku-4-5', {
      inputTokens: input,
      cacheWriteTokens: message.usage.cache_creation_input_tokens!,
      outputTokens: message.usage.output_tokens,
    });
    expect(Number(rows[0].cost_usd)).toBe(Number(cost));
  });

  it('passes a PDF by URL and a text document to Claude as sent', async () => {
    await anthropic.messages.create({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 5,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'url', url: 'https://example.com/report.pdf' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words here' }, title: 'Notes' },
            { type: 'text', text: 'compare' },
          ],
        },
      ],
    });
    expect(sentContent()).toEqual([
      { type: 'document', source: { type: 'url', url: 'https://example.com/report.pdf' } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words here' }, title: 'Notes' },
      { type: 'text', text: 'compare' },
    ]);
  });

  it('turns an Anthropic document into an OpenAI file part for an OpenAI model, and a text document into text', async () => {
    const answer = await anthropic.messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 5,
      messages: [
        {
          role: 'user',
          content: [
            pdfBlock({ title: 'invoice.pdf' }),
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' }, title: 'Notes' },
            { type: 'text', text: 'total?' },
          ],
        },
      ],
    });
    expect(answer.usage.input_tokens).toBe(2 * PDF_PAGE_TOKENS + 4);
    expect(sentContent()).toEqual([
      { type: 'file', file: { file_data: DATA_URL, filename: 'invoice.pdf' } },
      { type: 'text', text: 'Notes\n\nplain words' },
      { type: 'text', text: 'total?' },
    ]);
  });

  it('passes an OpenAI file part to OpenAI as sent, and turns it into a document block for Claude', async () => {
    const content: OpenAI.ChatCompletionContentPart[] = [
      { type: 'file', file: { file_data: DATA_URL, filename: 'invoice.pdf' } },
      { type: 'text', text: 'total?' },
    ];
    const res = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content }] });
    expect(res.usage?.prompt_tokens).toBe(2 * PDF_PAGE_TOKENS + 1);
    expect(sentContent()).toEqual(content);

    sim.reset();
    await openai.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content }] });
    expect(sentContent()).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'invoice.pdf' },
      { type: 'text', text: 'total?' },
    ]);
  });

  it('reads a Responses input_file as data or by URL', async () => {
    await openai.responses.create({
      model: 'anthropic/claude-haiku-4-5',
      max_output_tokens: 5,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_file', file_data: DATA_URL, filename: 'a.pdf' },
            { type: 'input_file', file_url: 'https://example.com/b.pdf' },
            { type: 'input_text', text: 'compare' },
          ],
        },
      ],
    });
    expect(sentContent()).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'a.pdf' },
      { type: 'document', source: { type: 'url', url: 'https://example.com/b.pdf' } },
      { type: 'text', text: 'compare' },
    ]);
  });

  it('refuses a document for a provider that reads none, and a PDF by URL for an OpenAI-shaped one, naming messages, without a call', async () => {
    for (const model of ['groq/llama-3.3-70b-versatile', 'mock/echo']) {
      const error = await refusal(
        openai.chat.completions.create({ model, messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: DATA_URL } }] }] }),
        OpenAI,
      );
      expect(error.message).toContain(`a document (PDF or text) is not supported by ${model.split('/')[0]} models`);
      expect(error.message).toMatch(/supported by anthropic and openai models/);
    }
    const byUrl = await refusal(
      anthropic.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }] }],
      }),
      Anthropic,
    );
    expect(byUrl.message).toContain('take a PDF as data, not by URL');
    expect(byUrl.details.map((d) => d.field)).toEqual(['messages']);
    expect(sim.requests).toHaveLength(0);
  });

  it('names what is wrong with a document before any call', async () => {
    const messages = (block: unknown): Anthropic.MessageParam[] => [{ role: 'user', content: [block as Anthropic.DocumentBlockParam] }];
    const anthropicFields = async (block: unknown) =>
      (await refusal(anthropic.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: messages(block) }), Anthropic)).details.map(
        (d) => d.field,
      );
    const notPdf = Buffer.from('hello, not a pdf').toString('base64');
    expect(await anthropicFields(pdfBlock({ source: { type: 'base64', media_type: 'application/pdf', data: notPdf } }))).toEqual([
      'messages[0].content[0].source.data',
    ]);
    expect(await anthropicFields({ type: 'document', source: { type: 'file', file_id: 'file_1' } })).toEqual(['messages[0].content[0].source.type']);
    expect(await anthropicFields(pdfBlock({ citations: { enabled: 'yes' } as unknown as Anthropic.CitationsConfigParam }))).toEqual([
      'messages[0].content[0].citations.enabled',
    ]);
    expect(await anthropicFields(pdfBlock({ citations: true as unknown as Anthropic.CitationsConfigParam }))).toEqual(['messages[0].content[0].citations']);
    expect(await anthropicFields({ type: 'document', source: { type: 'url', url: 'ftp://x/y.pdf' } })).toEqual(['messages[0].content[0].source.url']);

    const openaiFields = async (file: unknown) =>
      (
        await refusal(
          openai.chat.completions.create({
            model: 'openai/gpt-4o-mini',
            messages: [{ role: 'user', content: [{ type: 'file', file: file as OpenAI.ChatCompletionContentPart.File.File }] }],
          }),
          OpenAI,
        )
      ).details.map((d) => d.field);
    expect(await openaiFields({ file_id: 'file-abc' })).toEqual(['messages[0].content[0].file.file_data']);
    expect(await openaiFields({ file_data: 'data:image/png;base64,AAAA' })).toEqual(['messages[0].content[0].file.file_data']);
    expect(sim.requests).toHaveLength(0);
  });
});
