import type { ToolChoice, ToolDefinition } from '../../providers/llm-provider';
import { BodyReader, isObject } from './body-reader';

/**
 * The tool names the providers take: OpenAI `^[a-zA-Z0-9_-]{1,64}$`, Anthropic the same
 * characters up to 128. A name outside them would be the provider's 400, quoted back as
 * "rejected the request"; here it is a 400 naming the field, before any provider is called.
 */
export const OPENAI_TOOL_NAME = { pattern: /^[a-zA-Z0-9_-]{1,64}$/, says: '1 to 64 letters, digits, _ or -' };
export const ANTHROPIC_TOOL_NAME = { pattern: /^[a-zA-Z0-9_-]{1,128}$/, says: '1 to 128 letters, digits, _ or -' };

/** Whether `name` is a tool name as `rule` takes it; the problem is recorded at `field` when not. */
export function checkToolName(r: BodyReader, name: unknown, field: string, rule: typeof OPENAI_TOOL_NAME): name is string {
  if (typeof name === 'string' && rule.pattern.test(name)) return true;
  r.problem(field, typeof name === 'string' ? `expected ${rule.says}` : 'required');
  return false;
}

/**
 * A tool's parameters: absent (no arguments) or a JSON schema object whose type, when given, is
 * "object" (both OpenAI and Anthropic take arguments as an object). Anything else was, before,
 * silently replaced by an empty schema, so the model was told the tool takes no arguments.
 */
export function checkToolSchema(r: BodyReader, schema: unknown, field: string): boolean {
  if (schema === undefined || schema === null) return true;
  if (!isObject(schema)) return !r.problem(field, 'expected a JSON schema object');
  if (schema.type !== undefined && schema.type !== 'object') return !r.problem(`${field}.type`, 'expected "object": tool arguments are an object');
  return true;
}

/**
 * What only the whole tool list can tell: two tools of one name (the model could not say which it
 * calls), a tool_choice naming a tool the list does not have, and a forced tool_choice (`required`
 * or one tool) with no tools at all. OpenAI and Anthropic refuse each; refused here, each names its
 * field rather than coming back as the provider's "rejected the request".
 */
export function checkToolSet(
  r: BodyReader,
  tools: ToolDefinition[] | undefined,
  toolChoice: ToolChoice | undefined,
  fields: { name: (i: number) => string; choice: string; required: string },
): void {
  // a tools list with a problem of its own has been named already
  if (tools === undefined && r.has('tools')) return;
  if (tools !== undefined && tools.length > 1) {
    const seen = new Set<string>();
    tools.forEach((tool, i) => {
      if (seen.has(tool.name)) r.problem(fields.name(i), `another tool is already named "${tool.name}": tool names must be unique`);
      seen.add(tool.name);
    });
  }
  if (toolChoice === undefined || toolChoice === 'auto' || toolChoice === 'none') return;
  if (tools === undefined || tools.length === 0) {
    r.problem(fields.choice, `${typeof toolChoice === 'string' ? fields.required : `a tool named "${toolChoice.name}"`} needs tools: the request has none`);
  } else if (typeof toolChoice === 'object' && !tools.some((t) => t.name === toolChoice.name)) {
    r.problem(fields.choice, `no tool named "${toolChoice.name}" in tools`);
  }
}
