/** An escaped `{{` (`\{{`, literal text: no group) or a placeholder (group 1: its name), as the server renders them. */
const PLACEHOLDER_OR_ESCAPE = /\\\{\{|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The `{{ name }}` placeholders of a body and system prompt, in order of first use (`\{{ name }}` is literal text). */
export function detectVariables(...texts: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) for (const m of (text ?? '').matchAll(PLACEHOLDER_OR_ESCAPE)) if (m[1] !== undefined) seen.add(m[1]);
  return [...seen];
}
