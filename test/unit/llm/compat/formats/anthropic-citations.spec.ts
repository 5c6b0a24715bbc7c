import type Anthropic from '@anthropic-ai/sdk';
import { AnthropicEventWriter } from '@src/llm/compat/formats/anthropic-messages.format';
import type { StreamEvent } from '@src/llm/providers/llm-provider';
import { AnthropicStreamReader } from '@src/llm/providers/anthropic/anthropic.mapper';
import { anthropicStreamStart } from '@test/support/stream-start';

const start = anthropicStreamStart('0b6c7c3e-0000-4000-8000-000000000002');

const CITE_A = { type: 'char_location', cited_text: 'Bread: 3 euros.', document_index: 0, start_char_index: 0, end_char_index: 15 };
const CITE_B = { type: 'page_location', cited_text: 'Page one.', document_index: 1, start_page_number: 1, end_page_number: 2 };

describe('citations in a stream', () => {
  it('reads a cited block as its citations, its text and its end; an uncited block as text only', () => {
    const reader = new AnthropicStreamReader();
    const upstream = [
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'It costs ' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: [CITE_A] } },
      { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: CITE_B } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '3 euros' } },
      { type: 'content_block_stop', index: 1 },
    ] as unknown as Anthropic.RawMessageStreamEvent[];
    const events = upstream.flatMap((e) => reader.read(e));
    expect(events).toEqual([
      { type: 'text', text: 'It costs ' },
      { type: 'citation', citation: CITE_A },
      { type: 'citation', citation: CITE_B },
      { type: 'text', text: '3 euros' },
      { type: 'cited_text_end' },
    ]);
  });

  it('writes each cited stretch as a text block of its own, and the text after it in a new uncited one', () => {
    const w = new AnthropicEventWriter();
    const events: StreamEvent[] = [
      { type: 'text', text: 'It costs ' },
      { type: 'citation', citation: CITE_A },
      { type: 'citation', citation: CITE_B },
      { type: 'text', text: '3 euros' },
      { type: 'cited_text_end' },
      { type: 'text', text: ', and ' },
      { type: 'citation', citation: CITE_A },
      { type: 'text', text: 'fresh' },
      { type: 'citation', citation: CITE_B },
      { type: 'text', text: 'daily' },
    ];
    const out = [...w.start(start), ...events.flatMap((e) => w.event(e))].slice(1).map((e) => e.data);
    expect(out).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'It costs ' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: [] } },
      { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: CITE_A } },
      { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: CITE_B } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: '3 euros' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '', citations: null } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: ', and ' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'text', text: '', citations: [] } },
      { type: 'content_block_delta', index: 3, delta: { type: 'citations_delta', citation: CITE_A } },
      { type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'fresh' } },
      // a citation after text has begun starts the next cited stretch
      { type: 'content_block_stop', index: 3 },
      { type: 'content_block_start', index: 4, content_block: { type: 'text', text: '', citations: [] } },
      { type: 'content_block_delta', index: 4, delta: { type: 'citations_delta', citation: CITE_B } },
      { type: 'content_block_delta', index: 4, delta: { type: 'text_delta', text: 'daily' } },
    ]);
  });
});
