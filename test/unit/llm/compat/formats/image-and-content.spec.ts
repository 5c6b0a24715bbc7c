import { parseMessagesRequest } from '@src/llm/compat/formats/anthropic-messages.format';
import { imageUrlProblem } from '@src/llm/compat/formats/body-reader';
import { parseChatCompletion } from '@src/llm/compat/formats/openai-chat.format';
import { parseResponsesRequest } from '@src/llm/compat/formats/openai-responses.format';
import { fieldsOf } from '@test/support/validation-errors';

const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('imageUrlProblem', () => {
  it('takes http(s) URLs and base64 data: URLs of png, jpeg, gif and webp', () => {
    for (const url of [
      'https://example.com/cat.png',
      'http://127.0.0.1:8080/x?y=1',
      `data:image/png;base64,${PIXEL}`,
      'data:IMAGE/JPEG;base64,AAAA',
      'data:image/webp;base64,AAA',
    ])
      expect(imageUrlProblem(url)).toBeUndefined();
  });

  it('says what is wrong with anything else', () => {
    expect(imageUrlProblem('hello')).toBe('expected an http(s) URL or a base64 data: URL');
    expect(imageUrlProblem('ftp://x/y.png')).toBe('expected an http(s) URL or a base64 data: URL');
    expect(imageUrlProblem('https://exa mple.com/x')).toBe('not a valid URL');
    expect(imageUrlProblem('data:image/png;base64')).toBe('expected a base64 data: URL (data:image/png;base64,…)');
    expect(imageUrlProblem('data:image/png,rawbytes')).toBe('expected a base64 data: URL (data:image/png;base64,…)');
    expect(imageUrlProblem('data:;base64,AAAA')).toMatch(/^image type \(none\) is not supported/);
    expect(imageUrlProblem('data:text/html;base64,AAAA')).toMatch(/^image type text\/html is not supported/);
    expect(imageUrlProblem('data:image/png;base64,')).toBe('the image data is empty');
    expect(imageUrlProblem('data:image/png;base64,!!!')).toBe('the image data is not base64');
  });
});

describe('image parts and empty content', () => {
  const chat = (content: unknown) => () => parseChatCompletion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] });
  const image = (url: string) => [{ type: 'image_url', image_url: { url } }];

  it('chat completions: names a bad image URL and a user turn with no content parts', () => {
    expect(fieldsOf(chat(image('hello')))).toEqual(['messages[0].content[0].image_url.url']);
    expect(fieldsOf(chat(image('data:image/png;base64,!!!')))).toEqual(['messages[0].content[0].image_url.url']);
    expect(fieldsOf(chat([]))).toEqual(['messages[0].content']);
    expect(chat(image(`data:image/png;base64,${PIXEL}`))().messages[0].content).toEqual([{ type: 'image', url: `data:image/png;base64,${PIXEL}` }]);
    // an empty string is a turn OpenAI takes
    expect(chat('')().messages[0].content).toBe('');
  });

  it('responses: names a bad input_image URL and a user message with no content parts', () => {
    const responses = (content: unknown) => () => parseResponsesRequest({ model: 'openai/gpt-4o-mini', input: [{ role: 'user', content }] });
    expect(fieldsOf(responses([{ type: 'input_image', image_url: 'hello' }]))).toEqual(['input[0].content[0].image_url']);
    expect(fieldsOf(responses([]))).toEqual(['input[0].content']);
    expect(responses([{ type: 'input_image', image_url: 'https://example.com/cat.png' }])().messages).toHaveLength(1);
  });

  it('messages: names the media type or the data of a bad base64 source, and a url source that is not http(s)', () => {
    const messages = (source: unknown) => () =>
      parseMessagesRequest({ model: 'openai/gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source }] }] });
    expect(fieldsOf(messages({ type: 'base64', media_type: 'text/html', data: 'AAAA' }))).toEqual(['messages[0].content[0].source.media_type']);
    expect(fieldsOf(messages({ type: 'base64', media_type: 'image/png', data: 'not base64!' }))).toEqual(['messages[0].content[0].source.data']);
    expect(fieldsOf(messages({ type: 'url', url: 'file:///etc/passwd' }))).toEqual(['messages[0].content[0].source.url']);
    expect(fieldsOf(messages({ type: 'file', file_id: 'f' }))).toEqual(['messages[0].content[0].source']);
    expect(messages({ type: 'base64', media_type: 'image/png', data: PIXEL })().messages[0].content).toEqual([
      { type: 'image', url: `data:image/png;base64,${PIXEL}` },
    ]);
  });
});
