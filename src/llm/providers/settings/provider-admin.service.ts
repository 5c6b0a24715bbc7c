import { Injectable, Logger } from '@nestjs/common';
import Decimal from 'decimal.js';
import { AppError } from '../../../common/errors/app-error';
import { ProviderResponseDto, ProviderTestResultDto, ProviderUpdateDto } from './dto/provider.dto';
import { PricingService } from '../../pricing/pricing.service';
import { ProviderSettingsService, ProviderStatus } from './provider-settings.service';
import { LlmProvider, ProviderError } from '../llm-provider';
import { ProviderRegistry } from '../provider-registry';
import { isRedirect, toProviderError } from '../sdk-errors';
import { RouterService } from '../../routing/router.service';

/** The test call never waits longer than this, whatever the provider's own timeout. */
const TEST_TIMEOUT_MS = 10_000;

/**
 * A 404 to the test call (its model is one the provider lists) is most often a base URL of one's
 * own with the wrong path: OpenAI-shaped APIs are served under /v1, which the base URL includes,
 * while the Anthropic and Groq SDKs add their own paths to a bare host.
 */
function withBaseUrlHint(message: string, baseUrl: string | null): string {
  if (!baseUrl) return message;
  return (
    `${message} Check the base URL (${baseUrl}): it is what comes before the provider's own paths, ` +
    'such as https://api.openai.com/v1 for OpenAI and OpenAI-compatible servers (ending in /v1), ' +
    'https://api.anthropic.com for Anthropic and https://api.groq.com for Groq (no /v1).'
  );
}

/**
 * The test call's error in words an operator can act on. The console is the operator's, so it may name
 * the base URL that failed (a client's error never does): a 404 says what the URL should look like, a
 * connection that failed or a redirect says which URL it was.
 */
function explained(error: ProviderError, baseUrl: string | null): string {
  if (error.status === 404) return withBaseUrlHint(error.message, baseUrl);
  if (baseUrl && (error.kind === 'connection' || isRedirect(error.status))) return `${error.message}. Base URL tried: ${baseUrl}`;
  return error.message;
}

/**
 * The console's view of the providers: their settings with the circuit state,
 * edits, and a live test call. The test call goes straight to the strategy (no
 * retries, no fallback, no usage record: it is billed to no client) and is logged.
 */
@Injectable()
export class ProviderAdminService {
  private readonly logger = new Logger('ProviderAdmin');

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly settings: ProviderSettingsService,
    private readonly router: RouterService,
    private readonly pricing: PricingService,
  ) {}

  list(): ProviderResponseDto[] {
    return this.settings.list().map((status) => this.withCircuit(status));
  }

  async update(name: string, change: ProviderUpdateDto): Promise<ProviderResponseDto> {
    const provider = this.find(name);
    const status = await this.settings.update(provider.id, change);
    const what = Object.keys(change).filter((k) => (change as Record<string, unknown>)[k] !== undefined);
    this.logger.log(`Provider "${provider.id}" updated in the console (${what.join(', ') || 'nothing'})`);
    return this.withCircuit(status);
  }

  async test(name: string): Promise<ProviderTestResultDto> {
    const provider = this.find(name);
    const model = this.cheapestChatModel(provider);
    if (!model)
      return this.report(provider, {
        ok: false,
        latency_ms: 0,
        model: null,
        error: { code: 'no_model', message: `Provider "${provider.id}" offers no chat model` },
      });
    const id = `${provider.id}/${model}`;
    if (!provider.isConfigured()) {
      const status = this.settings.status(provider);
      const why = !status.enabled ? 'is disabled' : 'has no API key';
      return this.report(provider, { ok: false, latency_ms: 0, model: id, error: { code: 'not_configured', message: `Provider "${provider.id}" ${why}` } });
    }
    const timeoutMs = Math.min(this.settings.timeoutOf(provider.id), TEST_TIMEOUT_MS);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const started = performance.now();
    try {
      await provider.generate({ model, messages: [{ role: 'user', content: 'ping' }], maxTokens: 1, timeoutMs }, controller.signal);
      const latency = Math.round(performance.now() - started);
      // a live call just succeeded: whatever opened the circuit is over
      this.router.breaker(provider.id).success();
      return this.report(provider, { ok: true, latency_ms: latency, model: id });
    } catch (err) {
      const latency = Math.round(performance.now() - started);
      const error = timedOut ? new ProviderError('timeout', `No answer within ${timeoutMs} ms`) : err instanceof ProviderError ? err : toProviderError(err);
      const code = error.kind === 'aborted' ? 'timeout' : error.kind;
      const message = explained(error, this.settings.status(provider).base_url);
      return this.report(provider, { ok: false, latency_ms: latency, model: id, error: { code, message } });
    } finally {
      clearTimeout(timer);
    }
  }

  private find(name: string): LlmProvider {
    const provider = this.registry.find(name);
    if (!provider) throw new AppError('not_found', `Unknown provider "${name}"`);
    return provider;
  }

  private withCircuit(status: ProviderStatus): ProviderResponseDto {
    return { ...status, circuit: this.router.breaker(status.name).state };
  }

  /** Cheapest by input + output price; models without a known price come last, in list order. */
  private cheapestChatModel(provider: LlmProvider): string | undefined {
    const priced = provider
      .listModels()
      .filter((m) => m.kind === 'chat')
      .map((m, index) => {
        const price = this.pricing.priceOf(`${provider.id}/${m.id}`);
        const total = price?.inputPerM !== undefined && price.outputPerM !== undefined ? new Decimal(price.inputPerM).plus(price.outputPerM) : null;
        return { id: m.id, index, total };
      });
    priced.sort((a, b) => {
      if (a.total && b.total) return a.total.comparedTo(b.total) || a.index - b.index;
      if (a.total) return -1;
      if (b.total) return 1;
      return a.index - b.index;
    });
    return priced[0]?.id;
  }

  private report(provider: LlmProvider, result: ProviderTestResultDto): ProviderTestResultDto {
    if (result.ok) this.logger.log(`Test call to ${result.model}: ok in ${result.latency_ms} ms (not billed)`);
    else this.logger.warn(`Test call to ${result.model ?? provider.id} failed (${result.error?.code}): ${result.error?.message}`);
    return result;
  }
}
