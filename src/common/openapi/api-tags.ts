import { OpenAPIObject } from '@nestjs/swagger';

/**
 * One tag per area of the API, named one way (lowercase, hyphenated; admin
 * areas prefixed `admin-`). The document build fails on a tag not listed here.
 */
export const API_TAGS = [
  { name: 'health', description: 'Liveness and readiness; no key needed.' },
  { name: 'client', description: 'The calling client: who the key belongs to and the limits that apply.' },
  { name: 'generation', description: 'LLMHub’s own generation routes: text (one call or several languages) and images, in the /api envelope.' },
  {
    name: 'openai-compatible',
    description: 'OpenAI-compatible routes: point any OpenAI SDK at `<LLMHub>/v1` (or groq-sdk at `<LLMHub>`, which calls `/openai/v1`).',
  },
  { name: 'anthropic-compatible', description: 'The Anthropic Messages API: point the Anthropic SDK at `<LLMHub>`.' },
  { name: 'prompts', description: 'The caller’s own prompt templates, plus read access to system templates.' },
  { name: 'feedback', description: 'Whether a generation served its purpose; feeds each template version’s success rate.' },
  { name: 'billing', description: 'The caller’s own usage and cost.' },
  { name: 'admin-session', description: 'The console’s login: the admin token exchanged for a session cookie.' },
  { name: 'admin-clients', description: 'Clients, their limits and budgets, and their API keys.' },
  { name: 'admin-providers', description: 'Provider settings (keys write-only) and live test calls.' },
  { name: 'admin-prices', description: 'The pricing table in force.' },
  { name: 'admin-templates', description: 'Every template, system ones included: versions, A/B weights, statistics, render and playground.' },
  { name: 'admin-billing', description: 'Cost and usage across clients, and the CSV export.' },
  { name: 'admin-logs', description: 'The generation log, filtered and paged by keyset.' },
  { name: 'admin-dashboard', description: 'The console’s headline figures.' },
] as const;

export type ApiTagName = (typeof API_TAGS)[number]['name'];

/** Every operation has exactly one tag, and it is one of API_TAGS. */
export function checkTags(doc: OpenAPIObject): void {
  const known = new Set<string>(API_TAGS.map((t) => t.name));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const tags = (operation as { tags?: string[] }).tags ?? [];
      if (tags.length !== 1 || !known.has(tags[0])) {
        throw new Error(`${method.toUpperCase()} ${path}: needs exactly one tag from API_TAGS (src/common/openapi/api-tags.ts), has ${JSON.stringify(tags)}`);
      }
    }
  }
}
