import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { TokensService } from '../../generation/tokens.service';
import {
  ContentPart,
  EmbeddingRequest,
  EmbeddingResult,
  GenerateRequest,
  GenerateResult,
  ImageRequest,
  ImageResult,
  LlmProvider,
  ProviderError,
  ProviderModel,
  ProviderSettings,
  StreamEvent,
  TokenUsage,
} from '../llm-provider';
import { MOCK_DESCRIPTOR } from './mock.descriptor';

const ECHO_PREFIX = 'Echo:';
const DEFAULT_EMBEDDING_DIMENSIONS = 16;
/** a 1×1 transparent PNG */
const PIXEL_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The gateway's own o200k counter (shared rank table, ~16 MB) rather than a second full encoder (~70 MB). */
const tokens = new TokensService();

function countTokens(text: string): number {
  return tokens.count(text);
}

function textOf(content: string | ContentPart[]): string {
  return typeof content === 'string' ? content : content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ');
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ProviderError('aborted', 'The request was aborted');
}

/**
 * The built-in provider that needs no account: deterministic answers with
 * realistic token counts, so the console and API can be tried offline.
 */
@Injectable()
export class MockProvider implements LlmProvider {
  readonly descriptor = MOCK_DESCRIPTOR;
  readonly id = MOCK_DESCRIPTOR.id;
  readonly setupHint = 'set MOCK_PROVIDER=on (it is on by default while no provider key is set)';
  private enabled = true;

  configure(settings: ProviderSettings): void {
    this.enabled = settings.enabled;
  }

  isConfigured(): boolean {
    return this.enabled;
  }

  listModels(): ProviderModel[] {
    return [...MOCK_DESCRIPTOR.models];
  }

  async generate(req: GenerateRequest, signal: AbortSignal): Promise<GenerateResult> {
    throwIfAborted(signal);
    const { words, truncated } = this.answerWords(req);
    const text = words.join(' ');
    return { text, finishReason: truncated ? 'length' : 'stop', usage: this.usage(req, text), model: req.model };
  }

  async *stream(req: GenerateRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const { words, truncated } = this.answerWords(req);
    for (const [i, word] of words.entries()) {
      // yield to the event loop between words, as a real stream would, so aborts land mid-stream
      await new Promise((resolve) => setImmediate(resolve));
      throwIfAborted(signal);
      yield { type: 'text', text: i === 0 ? word : ` ${word}` };
    }
    throwIfAborted(signal);
    yield { type: 'usage', usage: this.usage(req, words.join(' ')) };
    yield { type: 'finish', finishReason: truncated ? 'length' : 'stop' };
  }

  async embed(req: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    throwIfAborted(signal);
    const dimensions = req.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
    return {
      vectors: req.input.map((text) => this.vectorOf(text, dimensions)),
      usage: { inputTokens: req.input.reduce((sum, text) => sum + countTokens(text), 0) },
      model: req.model,
    };
  }

  async generateImage(req: ImageRequest, signal: AbortSignal): Promise<ImageResult> {
    throwIfAborted(signal);
    const image = req.responseFormat === 'b64_json' ? { b64Json: PIXEL_PNG_BASE64 } : { url: `data:image/png;base64,${PIXEL_PNG_BASE64}` };
    return { images: Array.from({ length: req.n }, () => ({ ...image, revisedPrompt: req.prompt })), usage: null };
  }

  /** "Echo: " + the last user message, cut to maxTokens words (the prefix counts as one). */
  private answerWords(req: GenerateRequest): { words: string[]; truncated: boolean } {
    const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
    const words = [
      ECHO_PREFIX,
      ...(lastUser
        ? textOf(lastUser.content)
            .split(/\s+/)
            .filter((w) => w !== '')
        : []),
    ];
    const limit = req.maxTokens ?? Number.POSITIVE_INFINITY;
    return words.length > limit ? { words: words.slice(0, Math.max(0, limit)), truncated: true } : { words, truncated: false };
  }

  private usage(req: GenerateRequest, output: string): TokenUsage {
    const prompt = [req.system ?? '', ...req.messages.map((m) => textOf(m.content))].filter((t) => t !== '').join('\n');
    return { inputTokens: countTokens(prompt), outputTokens: countTokens(output) };
  }

  /** A unit vector derived from the text's hash: same text, same vector. */
  private vectorOf(text: string, dimensions: number): number[] {
    const values: number[] = [];
    for (let block = 0; values.length < dimensions; block++) {
      const digest = createHash('sha256').update(`${block}:${text}`).digest();
      for (let i = 0; i + 1 < digest.length && values.length < dimensions; i += 2) values.push(digest.readUInt16BE(i) / 32767.5 - 1);
    }
    const norm = Math.hypot(...values) || 1;
    return values.map((v) => v / norm);
  }
}
