import { parseMessagesRequest } from '@src/llm/compat/formats/anthropic-messages.format';
import { parseChatCompletion } from '@src/llm/compat/formats/openai-chat.format';
import { parseResponsesRequest } from '@src/llm/compat/formats/openai-responses.format';
import { fieldsOf } from '@test/support/validation-errors';

const chat = (extra: object) => () => parseChatCompletion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra });
const fn = (name: unknown, parameters?: unknown) => ({ type: 'function', function: { name, ...(parameters !== undefined ? { parameters } : {}) } });
const responses = (extra: object) => () => parseResponsesRequest({ model: 'openai/gpt-4o-mini', input: 'hi', ...extra });
const messages = (extra: object) => () =>
  parseMessagesRequest({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra });
const custom = (name: unknown, input_schema: unknown = { type: 'object' }) => ({ name, input_schema });

describe('tool checks', () => {
  it('chat completions: names a tool_choice naming no tool of the request, and a forced one without tools', () => {
    expect(fieldsOf(chat({ tools: [fn('f')], tool_choice: { type: 'function', function: { name: 'g' } } }))).toEqual(['tool_choice']);
    expect(fieldsOf(chat({ tool_choice: { type: 'function', function: { name: 'g' } } }))).toEqual(['tool_choice']);
    expect(fieldsOf(chat({ tool_choice: 'required' }))).toEqual(['tool_choice']);
    expect(fieldsOf(chat({ tools: [], tool_choice: 'required' }))).toEqual(['tool_choice']);
    // auto and none change nothing without tools: accepted
    expect(chat({ tool_choice: 'auto' })().params.toolChoice).toBe('auto');
    expect(chat({ tool_choice: 'none' })().params.toolChoice).toBe('none');
    expect(chat({ tools: [fn('f'), fn('g')], tool_choice: { type: 'function', function: { name: 'g' } } })().params.toolChoice).toEqual({ name: 'g' });
  });

  it('chat completions: names a bad tool name, a duplicate name and parameters that are not an object schema', () => {
    expect(fieldsOf(chat({ tools: [fn('bad name!')] }))).toEqual(['tools[0].function.name']);
    expect(fieldsOf(chat({ tools: [fn('x'.repeat(65))] }))).toEqual(['tools[0].function.name']);
    expect(fieldsOf(chat({ tools: [fn(undefined)] }))).toEqual(['tools[0].function.name']);
    expect(fieldsOf(chat({ tools: [fn('f'), fn('g'), fn('f')] }))).toEqual(['tools[2].function.name']);
    expect(fieldsOf(chat({ tools: [fn('f', 'nope')] }))).toEqual(['tools[0].function.parameters']);
    expect(fieldsOf(chat({ tools: [fn('f', [])] }))).toEqual(['tools[0].function.parameters']);
    expect(fieldsOf(chat({ tools: [fn('f', { type: 'string' })] }))).toEqual(['tools[0].function.parameters.type']);
    // a bad tools list is named once: a tool_choice naming one of its tools is not a second problem
    expect(fieldsOf(chat({ tools: [fn('f', 'nope')], tool_choice: { type: 'function', function: { name: 'f' } } }))).toEqual(['tools[0].function.parameters']);
    expect(chat({ tools: [fn('get-weather_2', { type: 'object', properties: {} }), fn('f', null)] })().params.tools).toEqual([
      { name: 'get-weather_2', parameters: { type: 'object', properties: {} } },
      { name: 'f', parameters: { type: 'object', properties: {} } },
    ]);
  });

  it('responses: the same checks, named as its flat tools are', () => {
    const tool = (name: unknown, parameters?: unknown) => ({ type: 'function', name, ...(parameters !== undefined ? { parameters } : {}) });
    expect(fieldsOf(responses({ tools: [tool('f')], tool_choice: { type: 'function', name: 'g' } }))).toEqual(['tool_choice']);
    expect(fieldsOf(responses({ tool_choice: 'required' }))).toEqual(['tool_choice']);
    expect(fieldsOf(responses({ tools: [tool('f'), tool('f')] }))).toEqual(['tools[1].name']);
    expect(fieldsOf(responses({ tools: [tool('a b')] }))).toEqual(['tools[0].name']);
    expect(fieldsOf(responses({ tools: [tool('f', { type: 'array' })] }))).toEqual(['tools[0].parameters.type']);
    expect(responses({ tools: [tool('f')], tool_choice: { type: 'function', name: 'f' } })().params.toolChoice).toEqual({ name: 'f' });
  });

  it('messages: the same checks, with Anthropic’s names of up to 128 characters', () => {
    expect(fieldsOf(messages({ tools: [custom('f')], tool_choice: { type: 'tool', name: 'g' } }))).toEqual(['tool_choice']);
    expect(fieldsOf(messages({ tool_choice: { type: 'any' } }))).toEqual(['tool_choice']);
    expect(fieldsOf(messages({ tools: [custom('f'), custom('f')] }))).toEqual(['tools[1].name']);
    expect(fieldsOf(messages({ tools: [custom('bad name!')] }))).toEqual(['tools[0].name']);
    expect(fieldsOf(messages({ tools: [custom('x'.repeat(129))] }))).toEqual(['tools[0].name']);
    expect(fieldsOf(messages({ tools: [custom('f', { type: 'string' })] }))).toEqual(['tools[0].input_schema.type']);
    expect(messages({ tools: [custom('x'.repeat(128))] })().params.tools).toHaveLength(1);
    expect(messages({ tool_choice: { type: 'auto' } })().params.toolChoice).toBe('auto');
  });
});
