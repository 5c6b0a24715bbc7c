/**
 * Citations as Anthropic's Messages API gives them, for the simulator: when a document of the request has
 * `citations: {enabled: true}`, the reply's text is split as Claude splits a cited answer: the first word
 * in a text block that cites nothing (`citations: null`), the rest in a block citing that document (a
 * `char_location` in a text document, a `page_location` in a PDF), streamed with a `citations_delta`
 * before its text.
 */

/** A text block of the reply, with the passages it cites (null: none). */
export interface ReplyTextBlock {
  type: 'text';
  text: string;
  /** null: cites nothing; absent on a reply that cites no document, as before citations */
  citations?: Record<string, unknown>[] | null;
}

/** How many characters of a text document a citation quotes. */
const CITED_CHARS = 40;

/** The citation of the first document of the request that asks to be cited, or undefined when none does. */
export function citationFor(messages: any[]): Record<string, unknown> | undefined {
  let index = 0;
  for (const message of messages) {
    if (!Array.isArray(message?.content)) continue;
    for (const block of message.content) {
      if (block?.type !== 'document') continue;
      if (block.citations?.enabled === true) {
        const title = typeof block.title === 'string' ? block.title : null;
        if (block.source?.type === 'text') {
          const cited = String(block.source.data).slice(0, CITED_CHARS);
          return {
            type: 'char_location',
            cited_text: cited,
            document_index: index,
            document_title: title,
            start_char_index: 0,
            end_char_index: cited.length,
            file_id: null,
          };
        }
        return {
          type: 'page_location',
          cited_text: 'Page one.',
          document_index: index,
          document_title: title,
          start_page_number: 1,
          end_page_number: 2,
          file_id: null,
        };
      }
      index++;
    }
  }
  return undefined;
}

/** The reply's text blocks: one plain block, or (with a citation and two words or more) the first word plain and the rest cited. */
export function replyTextBlocks(text: string, citation: Record<string, unknown> | undefined): ReplyTextBlock[] {
  const split = text.indexOf(' ');
  if (!citation || split < 0) return [{ type: 'text', text }];
  return [
    { type: 'text', text: text.slice(0, split + 1), citations: null },
    { type: 'text', text: text.slice(split + 1), citations: [citation] },
  ];
}

/** The SSE frames of text blocks from `index` on (`event` formats one frame): start, a citations_delta per citation, the text, stop. */
export function citedTextFrames(blocks: ReplyTextBlock[], index: number, event: (type: string, data: string) => string): string[] {
  const frames: string[] = [];
  blocks.forEach((block, i) => {
    const at = index + i;
    frames.push(event('content_block_start', JSON.stringify({ type: 'content_block_start', index: at, content_block: { type: 'text', text: '' } })));
    for (const citation of block.citations ?? []) {
      frames.push(event('content_block_delta', JSON.stringify({ type: 'content_block_delta', index: at, delta: { type: 'citations_delta', citation } })));
    }
    frames.push(
      event('content_block_delta', JSON.stringify({ type: 'content_block_delta', index: at, delta: { type: 'text_delta', text: block.text } })),
      event('content_block_stop', JSON.stringify({ type: 'content_block_stop', index: at })),
    );
  });
  return frames;
}
