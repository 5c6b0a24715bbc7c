/**
 * List prices shipped with LLMHub, in USD, as decimal strings (never floats).
 * Token prices are per 1M tokens. Keys are `provider/model`.
 *
 * Taken from the providers' public price pages as of November 2025
 * (openai.com/api/pricing, anthropic.com/pricing, groq.com/pricing).
 * Operators correct or extend them with PRICE_OVERRIDES or in the console;
 * the cost is stored on each record, so a later change never rewrites history.
 */

/** Per-image list prices: `perImage[quality][size]`, `'*'` matching any value. */
export interface ImagePrice {
  perImage: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** the quality billed when a request says `auto` or nothing */
  defaultQuality?: string;
}

export interface ModelPrice {
  /** per 1M input tokens (for image models: text input) */
  inputPerM?: string;
  /** per 1M output tokens (for image models: image output) */
  outputPerM?: string;
  /** per 1M input tokens read from the prompt cache; the input rate when absent */
  cachedInputPerM?: string;
  /** per 1M input tokens written to the prompt cache (Anthropic: the 5-minute TTL); the input rate when absent */
  cacheWritePerM?: string;
  /**
   * per 1M input tokens written to the prompt cache with a 1-hour TTL (Anthropic's `ttl: "1h"`);
   * when absent, PricingService bills them by its fallback rule (cacheWrite1hFallback in exact-rates.ts)
   */
  cacheWrite1hPerM?: string;
  /** per 1M image input tokens (gpt-image-1 edits); informative, see PricingService.imageCost */
  imageInputPerM?: string;
  images?: ImagePrice;
}

export type PriceTable = Readonly<Record<string, Readonly<ModelPrice>>>;

/** Anthropic: cache writes cost 1.25× input with the 5-minute TTL and 2× input with the 1-hour TTL; cache reads 0.1× input. */
const anthropic = (inputPerM: string, outputPerM: string, cacheWritePerM: string, cacheWrite1hPerM: string, cachedInputPerM: string): ModelPrice => ({
  inputPerM,
  outputPerM,
  cacheWritePerM,
  cacheWrite1hPerM,
  cachedInputPerM,
});

export const BUILTIN_PRICES: PriceTable = {
  // OpenAI chat (cached input is OpenAI's automatic prompt caching discount)
  'openai/gpt-4o': { inputPerM: '2.50', outputPerM: '10.00', cachedInputPerM: '1.25' },
  'openai/gpt-4o-mini': { inputPerM: '0.15', outputPerM: '0.60', cachedInputPerM: '0.075' },
  'openai/gpt-4.1': { inputPerM: '2.00', outputPerM: '8.00', cachedInputPerM: '0.50' },
  'openai/gpt-4.1-mini': { inputPerM: '0.40', outputPerM: '1.60', cachedInputPerM: '0.10' },
  'openai/gpt-4.1-nano': { inputPerM: '0.10', outputPerM: '0.40', cachedInputPerM: '0.025' },
  'openai/o3-mini': { inputPerM: '1.10', outputPerM: '4.40', cachedInputPerM: '0.55' },
  'openai/o4-mini': { inputPerM: '1.10', outputPerM: '4.40', cachedInputPerM: '0.275' },
  'openai/gpt-5': { inputPerM: '1.25', outputPerM: '10.00', cachedInputPerM: '0.125' },
  'openai/gpt-5-mini': { inputPerM: '0.25', outputPerM: '2.00', cachedInputPerM: '0.025' },
  // OpenAI embeddings (input only)
  'openai/text-embedding-3-small': { inputPerM: '0.02', outputPerM: '0' },
  'openai/text-embedding-3-large': { inputPerM: '0.13', outputPerM: '0' },

  // Anthropic (prompts up to 200k tokens; Sonnet's long-context tier is not modelled)
  'anthropic/claude-opus-4-1': anthropic('15.00', '75.00', '18.75', '30.00', '1.50'),
  'anthropic/claude-sonnet-4-5': anthropic('3.00', '15.00', '3.75', '6.00', '0.30'),
  'anthropic/claude-sonnet-4': anthropic('3.00', '15.00', '3.75', '6.00', '0.30'),
  'anthropic/claude-haiku-4-5': anthropic('1.00', '5.00', '1.25', '2.00', '0.10'),
  'anthropic/claude-3-5-haiku-latest': anthropic('0.80', '4.00', '1.00', '1.60', '0.08'),

  // Groq (the model ids themselves contain a slash for some vendors)
  'groq/llama-3.3-70b-versatile': { inputPerM: '0.59', outputPerM: '0.79' },
  'groq/llama-3.1-8b-instant': { inputPerM: '0.05', outputPerM: '0.08' },
  'groq/openai/gpt-oss-120b': { inputPerM: '0.15', outputPerM: '0.75' },
  'groq/openai/gpt-oss-20b': { inputPerM: '0.10', outputPerM: '0.50' },
  'groq/qwen/qwen3-32b': { inputPerM: '0.29', outputPerM: '0.59' },

  // OpenAI images
  'openai/dall-e-2': {
    images: {
      defaultQuality: 'standard',
      perImage: { standard: { '256x256': '0.016', '512x512': '0.018', '1024x1024': '0.020' } },
    },
  },
  'openai/dall-e-3': {
    images: {
      defaultQuality: 'standard',
      perImage: {
        standard: { '1024x1024': '0.040', '1024x1792': '0.080', '1792x1024': '0.080' },
        hd: { '1024x1024': '0.080', '1024x1792': '0.120', '1792x1024': '0.120' },
      },
    },
  },
  'openai/gpt-image-1': {
    inputPerM: '5.00', // text input
    cachedInputPerM: '1.25',
    outputPerM: '40.00', // image output tokens
    imageInputPerM: '10.00',
    images: {
      // `auto` lets the model choose; bill the highest tier when no usage tells us better
      defaultQuality: 'high',
      perImage: {
        low: { '1024x1024': '0.011', '1024x1536': '0.016', '1536x1024': '0.016' },
        medium: { '1024x1024': '0.042', '1024x1536': '0.063', '1536x1024': '0.063' },
        high: { '1024x1024': '0.167', '1024x1536': '0.25', '1536x1024': '0.25' },
      },
    },
  },

  // the built-in mock provider is free
  'mock/echo': { inputPerM: '0', outputPerM: '0' },
  'mock/embed': { inputPerM: '0', outputPerM: '0' },
  'mock/image': { inputPerM: '0', outputPerM: '0', images: { perImage: { '*': { '*': '0' } } } },
};
