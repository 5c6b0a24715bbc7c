/**
 * The routes that are calls: each answer, success or refusal, is one row of the usage log,
 * named by one of these endpoints. Every other client route (listing models, counting tokens,
 * reading a stored response or a template, a billing query) is no call, and neither is its
 * refusal: counted as one, it would show in reports as a refused call its successes never are.
 */
export const GENERATION_ENDPOINTS = [
  '/v1/chat/completions',
  '/v1/messages',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/images/generations',
  '/api/v1/llm/generate',
  '/api/v1/llm/generate-content',
  '/api/v1/images/generate',
] as const;

export type GenerationEndpoint = (typeof GENERATION_ENDPOINTS)[number];

/** Served under /openai/v1 too, where groq-sdk sends the OpenAI-compatible calls. */
const OPENAI_ALIAS = /^\/openai(?=\/v1\/(?:chat\/completions|responses|embeddings|images\/generations)$)/;

const ENDPOINTS: ReadonlySet<string> = new Set(GENERATION_ENDPOINTS);

function isGenerationEndpoint(path: string): path is GenerationEndpoint {
  return ENDPOINTS.has(path);
}

/**
 * The endpoint a request path (no query) calls, as the router matches it (any letter case, one
 * trailing slash, /openai/v1 as /v1), or undefined when it is no call. A refused call is
 * recorded under the same name as its successes, so reports do not split one endpoint in two.
 */
export function generationEndpointOf(path: string): GenerationEndpoint | undefined {
  const canonical = path
    .toLowerCase()
    .replace(/(?<=.)\/$/, '')
    .replace(OPENAI_ALIAS, '');
  return isGenerationEndpoint(canonical) ? canonical : undefined;
}
