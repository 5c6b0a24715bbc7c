import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../../auth/access-policy.service';
import { AppError } from '../../common/errors/app-error';
import { PromptsService } from '../../prompts/prompts.service';
import { GenerationInput, PreparedGeneration, TemplateUse } from './generation.types';
import { ChatMessage, GenerateRequest } from '../providers/llm-provider';
import type { ProviderCapability } from '../providers/provider-descriptor';
import { ModelKind, ModelResolver, ModelTarget } from '../routing/model-resolver.service';
import { TokensService } from './tokens.service';

/** Output reserved against the token limit when a request sets no max_tokens. */
export const DEFAULT_OUTPUT_ESTIMATE = 1024;

/**
 * Turns a parsed request into a routable one: renders the template, resolves
 * the model and its fallbacks, checks the caller's allow-lists and estimates
 * the input for the limits. Everything here fails before any provider is called.
 */
@Injectable()
export class GenerationPlanner {
  constructor(
    private readonly models: ModelResolver,
    private readonly access: AccessPolicy,
    private readonly prompts: PromptsService,
    private readonly tokens: TokensService,
  ) {}

  async prepare(input: GenerationInput): Promise<PreparedGeneration> {
    let system = input.system;
    const messages: ChatMessage[] = [...input.messages];
    const params = { ...input.params };
    let template: TemplateUse | null = null;
    let model = input.model;
    let provider = input.provider;

    if (!input.template && input.variables !== undefined && Object.keys(input.variables).length > 0) {
      // without a template they would fill nothing, and the call would go out as if they had been used
      throw new AppError('validation_error', 'variables fill a template’s placeholders: name the template, or leave variables out', [
        { field: 'variables', message: 'given without a template' },
      ]);
    }
    if (input.template) {
      const rendered = await this.prompts.resolveForGeneration(
        input.caller.clientId,
        { name: input.template.name, version: input.template.version, label: input.template.label, subject: input.subject },
        input.variables ?? {},
      );
      template = { id: rendered.templateId, name: rendered.templateName, version: rendered.version };
      if (rendered.systemPrompt) system = system ? `${rendered.systemPrompt}\n\n${system}` : rendered.systemPrompt;
      if (rendered.prompt) messages.push({ role: 'user', content: rendered.prompt });
      if (model === undefined && provider === undefined) {
        model = rendered.model ?? undefined;
        provider = rendered.provider ?? undefined;
      }
      applyTemplateParams(params, rendered.params);
    }
    if (messages.length === 0) {
      // a template was given: saying "give a template" would hide that its text came out empty
      if (template) {
        throw new AppError('validation_error', `Template "${template.name}" version ${template.version} rendered an empty prompt`, [
          { field: 'variables', message: 'the rendered prompt is empty: give the variables its body uses a value' },
        ]);
      }
      throw new AppError('validation_error', 'Give messages, a prompt or a template', [{ field: 'messages', message: 'required' }]);
    }

    const primary = this.target(model, provider, 'chat');
    this.access.assertModelAllowed(input.caller, primary.providerId, primary.model);
    const options = chatOptions(params, messages);
    if (options) this.assertOffers(primary, options);
    assertStopFits(primary, params.stop);
    assertThinkingFits(primary, params);
    const fallbacks = this.fallbacks(input, primary, options, params);
    const targets = fallbacks.length === 0 ? [primary] : [primary, ...fallbacks];

    // tool definitions and a response schema are prompt too: a call with large schemas must reserve for them
    const estimatedInputTokens =
      this.tokens.countMessages(system, messages) + this.tokens.countTools(params.tools) + this.tokens.countResponseFormat(params.responseFormat);
    const request: PreparedGeneration['request'] = {
      messages,
      ...(system ? { system } : {}),
      ...params,
      // a provider that needs an output cap sizes the one it picks by it (a set max_tokens is sent as it is)
      ...(params.maxTokens === undefined ? { promptTokensEstimate: estimatedInputTokens } : {}),
    };
    return {
      caller: input.caller,
      endpoint: input.endpoint,
      targets,
      requestedModel: primary.id,
      request,
      estimatedInputTokens,
      // max_tokens bounds each choice: n of them may each reach it (the reservation and the token limit count them all);
      // without one, a thinking budget is output the model may spend before its answer
      maxOutputTokens: (params.maxTokens ?? DEFAULT_OUTPUT_ESTIMATE + (params.thinking?.budgetTokens ?? 0)) * (params.n ?? 1),
      template,
      metadata: input.metadata ?? null,
    };
  }

  target(model: string | undefined, provider: string | undefined, kind: ModelKind): ModelTarget {
    return this.models.targetFor(model, provider, kind);
  }

  /**
   * Explicit fallbacks must all be known and allowed (a typo should not pass
   * silently); the client's default fallbacks are skipped where not allowed.
   */
  private fallbacks(input: GenerationInput, primary: ModelTarget, options: ChatOption[] | undefined, params: OutputParams): ModelTarget[] {
    const explicit = input.fallbacks !== undefined;
    const names = input.fallbacks ?? input.caller.fallbackModels ?? [];
    if (names.length === 0) return [];
    const seen = new Set([primary.id]);
    const targets: ModelTarget[] = [];
    names.forEach((name, i) => {
      let target: ModelTarget;
      try {
        target = this.models.resolve(name);
        this.access.assertModelAllowed(input.caller, target.providerId, target.model);
      } catch (error) {
        if (!explicit) return;
        if (error instanceof AppError) throw new AppError(error.code, error.message, [{ field: `fallbacks[${i}]`, message: error.message }]);
        throw error;
      }
      if (seen.has(target.id)) return;
      // a fallback must honour the request as the first model would: the client's defaults that cannot are skipped
      const missing = options && missingOption(target, options);
      if (missing) {
        if (!explicit) return;
        throw new AppError('validation_error', `${optionLabel(missing)} is not supported by ${target.id}, a fallback of this request`, [
          { field: `fallbacks[${i}]`, message: `${target.provider.id} does not support ${optionLabel(missing)}` },
        ]);
      }
      const stopRefused = stopProblem(target, params.stop);
      if (stopRefused !== undefined) {
        if (!explicit) return;
        throw new AppError('validation_error', `${target.id}, a fallback of this request, cannot take its stop sequences: ${stopRefused}`, [
          { field: `fallbacks[${i}]`, message: stopRefused },
        ]);
      }
      const thinkingRefused = thinkingProblem(target, params);
      if (thinkingRefused !== undefined) {
        if (!explicit) return;
        throw new AppError('validation_error', `${target.id}, a fallback of this request, cannot take its thinking budget: ${thinkingRefused}`, [
          { field: `fallbacks[${i}]`, message: thinkingRefused },
        ]);
      }
      seen.add(target.id);
      targets.push(target);
    });
    return targets;
  }

  /** A request option the provider's wire format has no equivalent for is a 400 naming the field, before any call. */
  private assertOffers(target: ModelTarget, options: ChatOption[]): void {
    const missing = missingOption(target, options);
    if (!missing) return;
    const offering = this.models.providersWith(missing);
    const supported = offering.length > 0 ? `supported by ${inWords(offering)} models` : 'supported by no provider of this instance';
    const instead = INSTEAD[missing];
    const where =
      instead && target.provider.descriptor.capabilities.includes(instead) ? `${supported}; ${target.providerId} models take ${instead} instead` : supported;
    throw new AppError('validation_error', `${optionLabel(missing)} is not supported by ${target.providerId} models (${target.id}); it is ${where}`, [
      {
        field: optionField(missing),
        message: `${detailPrefix(missing)}not supported by ${target.providerId}; ${where}`,
      },
    ]);
  }
}

/**
 * Chat options only some providers carry; each is named by its request field and the capability it needs.
 * A provider without one is refused, never served without it: dropping `n` would answer one choice where
 * the caller asked for several (a fallback too: the client's default fallbacks without it are skipped).
 */
type ChatOption = Exclude<ProviderCapability, 'chat' | 'stream' | 'embeddings' | 'images'>;

/** The options a request uses, or undefined (the usual case, with no further work). */
function chatOptions(
  params: Pick<
    GenerateRequest,
    'responseFormat' | 'tools' | 'logprobs' | 'n' | 'reasoningEffort' | 'verbosity' | 'reasoningFormat' | 'includeReasoning' | 'thinking'
  >,
  messages: ChatMessage[],
): ChatOption[] | undefined {
  const { toolResultImages, documents, citations } = contentNeeds(messages);
  // thinking off is every provider's way; only thinking on needs a provider that thinks aloud
  const thinking = params.thinking !== undefined && params.thinking.type !== 'disabled';
  const plain = params.responseFormat === undefined && !params.logprobs && params.n === undefined && !thinking && !toolResultImages && !documents;
  const settings =
    params.reasoningEffort !== undefined || params.verbosity !== undefined || params.reasoningFormat !== undefined || params.includeReasoning !== undefined;
  if (plain && !settings) return undefined;
  const options: ChatOption[] = [];
  if (documents) options.push('documents');
  if (citations) options.push('citations');
  if (toolResultImages) options.push('tool_result_images');
  if (params.responseFormat !== undefined) options.push('response_format');
  if (params.responseFormat !== undefined && params.tools !== undefined && params.tools.length > 0) options.push('response_format_with_tools');
  if (params.logprobs) options.push('logprobs');
  if (params.n !== undefined && params.n > 1) options.push('n');
  if (params.reasoningEffort !== undefined) options.push('reasoning_effort');
  if (params.verbosity !== undefined) options.push('verbosity');
  if (params.reasoningFormat !== undefined) options.push('reasoning_format');
  if (params.includeReasoning !== undefined) options.push('include_reasoning');
  if (thinking) options.push('thinking');
  return options;
}

/**
 * What the messages' parts need of a provider: images in a tool result, documents anywhere, citations of one
 * (one pass, most messages are strings).
 */
function contentNeeds(messages: ChatMessage[]): { toolResultImages: boolean; documents: boolean; citations: boolean } {
  let toolResultImages = false;
  let documents = false;
  let citations = false;
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'document') {
        documents = true;
        citations ||= part.citations === true;
      } else if (part.type === 'image' && message.role === 'tool') toolResultImages = true;
    }
  }
  return { toolResultImages, documents, citations };
}

/** An option's counterpart, where a provider without the option has one of its own: said in the refusal. */
const INSTEAD: Partial<Record<ChatOption, ChatOption>> = { reasoning_effort: 'thinking' };

/** The options that are in the messages, not fields of their own. */
const IN_MESSAGES: Partial<Record<ChatOption, { label: string }>> = {
  tool_result_images: { label: 'an image in a tool result' },
  documents: { label: 'a document (PDF or text)' },
  citations: { label: 'citations of a document' },
};

/** The request field an option is: response_format with tools is still response_format; a tool result or document is in messages. */
function optionField(option: ChatOption): string {
  if (option === 'response_format_with_tools') return 'response_format';
  return IN_MESSAGES[option] ? 'messages' : option;
}

/** An option as the error message names it. */
function optionLabel(option: ChatOption): string {
  if (option === 'response_format_with_tools') return 'response_format together with tools';
  return IN_MESSAGES[option]?.label ?? option;
}

/** What the field's detail says before "not supported", where the field alone does not say it. */
function detailPrefix(option: ChatOption): string {
  if (option === 'response_format_with_tools') return 'with tools: ';
  const inMessages = IN_MESSAGES[option];
  return inMessages ? `${inMessages.label}: ` : '';
}

/** `a`, `a and b`, `a, b and c` */
function inWords(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function missingOption(target: ModelTarget, options: ChatOption[]): ChatOption | undefined {
  const capabilities: readonly ProviderCapability[] = target.provider.descriptor.capabilities;
  return options.find((option) => !capabilities.includes(option));
}

/** Why the provider would refuse the request's stop sequences (its descriptor's rules), or undefined. */
function stopProblem(target: ModelTarget, stop: string[] | undefined): string | undefined {
  const rules = target.provider.descriptor.stopSequences;
  if (stop === undefined || rules === undefined) return undefined;
  if (rules.max !== undefined && stop.length > rules.max) {
    return `${target.providerId} models take at most ${rules.max} stop sequences; the request has ${stop.length}`;
  }
  const blank = rules.nonBlank ? stop.find((s) => s.trim() === '') : undefined;
  if (blank !== undefined) return `${target.providerId} models take no stop sequence made only of whitespace, such as ${JSON.stringify(blank)}`;
  return undefined;
}

/**
 * Stop sequences the provider would refuse are a 400 naming `stop` before the call (the provider's own
 * refusal named its own field, or none). The compatible routes name the field as their clients spell it.
 */
function assertStopFits(target: ModelTarget, stop: string[] | undefined): void {
  const problem = stopProblem(target, stop);
  if (problem === undefined) return;
  throw new AppError('validation_error', `Stop sequences ${target.id} cannot take: ${problem}`, [{ field: 'stop', message: problem }]);
}

/** What the planner checks a target's output limits against. */
type OutputParams = Pick<GenerateRequest, 'stop' | 'maxTokens' | 'thinking'>;

/**
 * Why the model would refuse the request's thinking budget, or undefined. Without max_tokens the model's own maximum
 * is sent, and Anthropic refuses a budget that is not below it ("max_tokens must be greater than budget_tokens",
 * naming a field the client never set); with max_tokens, the request's reader has checked the budget against it.
 */
function thinkingProblem(target: ModelTarget, params: OutputParams): string | undefined {
  const budget = params.thinking?.type === 'enabled' ? params.thinking.budgetTokens : undefined;
  if (budget === undefined || params.maxTokens !== undefined) return undefined;
  const limit = target.provider.descriptor.maxOutputTokens?.(target.model);
  if (limit === undefined || budget < limit) return undefined;
  return `${target.id} writes at most ${limit} output tokens, thinking included: give a budget below ${limit}`;
}

/** A thinking budget the model cannot take is a 400 naming `thinking.budget_tokens` before the call. */
function assertThinkingFits(target: ModelTarget, params: OutputParams): void {
  const problem = thinkingProblem(target, params);
  if (problem === undefined) return;
  throw new AppError('validation_error', `Thinking budget ${target.id} cannot take: ${problem}`, [{ field: 'thinking.budget_tokens', message: problem }]);
}

/** Template params (snake_case, as stored) apply where the request set nothing. */
function applyTemplateParams(params: Partial<Pick<GenerateRequest, 'maxTokens' | 'temperature' | 'topP' | 'stop'>>, stored: Record<string, unknown>): void {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  params.maxTokens ??= num(stored.max_tokens);
  params.temperature ??= num(stored.temperature);
  params.topP ??= num(stored.top_p);
  if (params.stop === undefined && Array.isArray(stored.stop) && stored.stop.every((s) => typeof s === 'string')) params.stop = stored.stop;
  for (const key of ['maxTokens', 'temperature', 'topP'] as const) if (params[key] === undefined) delete params[key];
}
