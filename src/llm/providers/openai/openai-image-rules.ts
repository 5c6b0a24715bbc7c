import type { ErrorDetail } from '../../../common/errors/app-error';
import type { ImageRequestShape } from '../provider-descriptor';

/** gpt-image models answer base64 only, report token usage, and assume quality `auto`. */
export function isGptImageModel(model: string): boolean {
  return model.startsWith('gpt-image');
}

interface ImageRules {
  /** how the model is named in the messages */
  readonly name: string;
  readonly sizes: readonly string[];
  readonly maxN: number;
  readonly qualities: readonly string[];
}

/**
 * What OpenAI's images API accepts per model family (its API reference for `size`, `n` and
 * `quality`). Anything else is OpenAI's own 400 after the call was admitted (and a size outside
 * the price table made the call's cost unknown), so it is refused here, naming the field.
 */
const DALL_E_2: ImageRules = { name: 'dall-e-2', sizes: ['256x256', '512x512', '1024x1024'], maxN: 10, qualities: ['standard', 'auto'] };
const DALL_E_3: ImageRules = { name: 'dall-e-3', sizes: ['1024x1024', '1792x1024', '1024x1792'], maxN: 1, qualities: ['standard', 'hd', 'auto'] };
const GPT_IMAGE: ImageRules = {
  name: 'gpt-image models',
  sizes: ['1024x1024', '1536x1024', '1024x1536', 'auto'],
  maxN: 10,
  qualities: ['low', 'medium', 'high', 'auto'],
};

function rulesFor(model: string): ImageRules | undefined {
  if (model === 'dall-e-2') return DALL_E_2;
  if (model === 'dall-e-3') return DALL_E_3;
  if (isGptImageModel(model)) return GPT_IMAGE;
  return undefined; // a model OpenAI may have added since: it says itself what it takes
}

function either(values: readonly string[]): string {
  return values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** The fields of an image request the OpenAI model would refuse, each with what it takes instead. */
export function openAiImageRequestProblems(model: string, req: ImageRequestShape): ErrorDetail[] {
  const rules = rulesFor(model);
  if (!rules) return [];
  const problems: ErrorDetail[] = [];
  if (req.size !== undefined && !rules.sizes.includes(req.size)) {
    problems.push({ field: 'size', message: `${rules.name} takes size ${either(rules.sizes)} (got ${req.size})` });
  }
  if (req.n > rules.maxN) {
    const takes = rules.maxN === 1 ? 'one image per request (n: 1); send several requests for more' : `n from 1 to ${rules.maxN}`;
    problems.push({ field: 'n', message: `${rules.name} takes ${takes} (got ${req.n})` });
  }
  if (req.quality !== undefined && !rules.qualities.includes(req.quality)) {
    problems.push({ field: 'quality', message: `${rules.name} takes quality ${either(rules.qualities)} (got ${req.quality})` });
  }
  return problems;
}
