import { parseMessagesRequest } from '@src/llm/compat/formats/anthropic-messages.format';
import { pdfFileData } from '@src/llm/compat/formats/document-parts';
import { parseChatCompletion } from '@src/llm/compat/formats/openai-chat.format';
import { parseResponsesRequest } from '@src/llm/compat/formats/openai-responses.format';
import { PDF_PAGE_TOKEN_ESTIMATE, PDF_URL_PAGES_ESTIMATE, pdfPages, TokensService } from '@src/llm/generation/tokens.service';
import { fieldsOf } from '@test/support/validation-errors';

const pdf = (body: string) => Buffer.from(`%PDF-1.7\n${body}\n%%EOF`).toString('base64');
const THREE_PAGES = pdf('<< /Type /Pages /Count 3 >> << /Type /Page >> << /Type/Page >> << /Type /Page /Parent 2 0 R >>');

describe('documents in the three formats', () => {
  it('reads an Anthropic document block: base64 PDF, URL or text, with title, context and cache_control', () => {
    const parsed = parseMessagesRequest({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 5,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: THREE_PAGES },
              title: 'T',
              context: 'C',
              cache_control: { type: 'ephemeral' },
            },
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' }, title: null },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'words' }, citations: { enabled: false } },
          ],
        },
      ],
    });
    expect(parsed.messages[0].content).toEqual([
      { type: 'document', source: { type: 'pdf', data: THREE_PAGES }, title: 'T', context: 'C', cacheControl: { type: 'ephemeral' } },
      { type: 'document', source: { type: 'pdf_url', url: 'https://example.com/a.pdf' } },
      { type: 'document', source: { type: 'text', text: 'words' } },
    ]);
  });

  it('names a document in an assistant turn, a bad media type and a title that is no string', () => {
    const body = (messages: unknown[]) => ({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages });
    const doc = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: THREE_PAGES } };
    expect(
      fieldsOf(() =>
        parseMessagesRequest(
          body([
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: [doc] },
          ]),
        ),
      ),
    ).toEqual(['messages[1].content[0].type']);
    expect(fieldsOf(() => parseMessagesRequest(body([{ role: 'user', content: [{ ...doc, source: { ...doc.source, media_type: 'image/png' } }] }])))).toEqual([
      'messages[0].content[0].source.media_type',
    ]);
    expect(fieldsOf(() => parseMessagesRequest(body([{ role: 'user', content: [{ ...doc, title: 7 }] }])))).toEqual(['messages[0].content[0].title']);
  });

  it('reads an OpenAI file part and a Responses input_file; names an image where a PDF belongs, and a file part outside a user turn', () => {
    const chat = parseChatCompletion({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: `data:application/pdf;base64,${THREE_PAGES}`, filename: 'x.pdf' } }] }],
    });
    expect(chat.messages[0].content).toEqual([{ type: 'document', source: { type: 'pdf', data: THREE_PAGES }, title: 'x.pdf' }]);
    expect(
      fieldsOf(() =>
        parseChatCompletion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'system', content: [{ type: 'file', file: { file_data: THREE_PAGES } }] }] }),
      ),
    ).toEqual(['messages[0].content[0]']);

    const responses = parseResponsesRequest({
      model: 'openai/gpt-4o-mini',
      input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://example.com/x.pdf' }] }],
    });
    expect(responses.messages[0].content).toEqual([{ type: 'document', source: { type: 'pdf_url', url: 'https://example.com/x.pdf' } }]);
    expect(
      fieldsOf(() => parseResponsesRequest({ model: 'openai/gpt-4o-mini', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] })),
    ).toEqual(['input[0].content[0].file_data']);
  });

  it('takes a PDF as a data: URL or bare base64, and says why anything else is none', () => {
    expect(pdfFileData(`data:application/pdf;base64,${THREE_PAGES}`)).toEqual({ data: THREE_PAGES });
    expect(pdfFileData(THREE_PAGES)).toEqual({ data: THREE_PAGES });
    expect(pdfFileData('data:image/png;base64,AAAA')).toEqual({ problem: expect.stringContaining('not image/png') });
    expect(pdfFileData(Buffer.from('GIF89a').toString('base64'))).toEqual({ problem: expect.stringContaining('not a PDF') });
    expect(pdfFileData('not base64!')).toEqual({ problem: 'the document data is not base64' });
    expect(pdfFileData('')).toEqual({ problem: 'the document data is empty' });
  });
});

describe('a document in the prompt estimate', () => {
  const tokens = new TokensService();

  it('counts a PDF by its page objects, or by its size when they are compressed', () => {
    expect(pdfPages(THREE_PAGES)).toBe(3);
    expect(pdfPages(pdf('x'.repeat(45_000)))).toBe(3);
    expect(pdfPages(pdf(''))).toBe(1);
    // /Type and /Page apart by any PDF whitespace, and not /Pages or another name that starts so
    expect(pdfPages(pdf('/Type /Pages /Type/Page /Type\n/Page /Type /PageLabel /Type /Page'))).toBe(3);
  });

  it('stops reading a file of nothing but /Type keys, and estimates it by its size', () => {
    const keys = pdf('/Type'.repeat(30_000));
    expect(pdfPages(keys)).toBe(Math.ceil(Buffer.from(keys, 'base64').length / 20_000));
  });

  it('reserves the usual top of a page for each page, ten pages for a PDF by URL, and the words of a text document', () => {
    const base = tokens.countMessages(undefined, [{ role: 'user', content: [{ type: 'text', text: '' }] }]);
    const count = (source: never) => tokens.countMessages(undefined, [{ role: 'user', content: [{ type: 'document', source }] }]) - base;
    expect(count({ type: 'pdf', data: THREE_PAGES } as never)).toBe(3 * PDF_PAGE_TOKEN_ESTIMATE);
    expect(count({ type: 'pdf_url', url: 'https://example.com/a.pdf' } as never)).toBe(PDF_URL_PAGES_ESTIMATE * PDF_PAGE_TOKEN_ESTIMATE);
    expect(count({ type: 'text', text: 'three little words' } as never)).toBe(tokens.count('three little words'));
  });
});
