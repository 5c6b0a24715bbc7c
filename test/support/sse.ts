/** One server-sent event as a client sees it: its `event:` name (if any) and its `data:` text. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** Splits a complete text/event-stream body into its events (blank-line separated frames). */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const frame of body.split(/\r?\n\r?\n/)) {
    if (frame.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    events.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return events;
}

/** The text deltas an OpenAI chunk stream or an Anthropic event stream carried, joined. */
export function streamedText(events: SseEvent[]): string {
  let text = '';
  for (const e of events) {
    if (e.data === '[DONE]') continue;
    let parsed: any;
    try {
      parsed = JSON.parse(e.data);
    } catch {
      continue;
    }
    text += parsed?.choices?.[0]?.delta?.content ?? '';
    if (parsed?.type === 'content_block_delta' && parsed.delta?.type === 'text_delta') text += parsed.delta.text;
  }
  return text;
}
