import { AppError } from '@src/common/errors/app-error';
import { PromptLabel } from '@src/prompts/prompt-label.entity';
import { PromptTemplate } from '@src/prompts/prompt-template.entity';
import { PromptVersion } from '@src/prompts/prompt-version.entity';
import { chooseVersion, PromptsService } from '@src/prompts/prompts.service';
import { TemplateCache, TemplateSnapshot } from '@src/prompts/template-cache.service';

function snapshot(opts: { abWeights?: Record<string, number> | null; labels?: Partial<PromptLabel>[]; versions?: number[] } = {}): TemplateSnapshot {
  const template = Object.assign(new PromptTemplate(), {
    id: 'tpl-id',
    name: 'greet',
    activeVersion: 1,
    abWeights: opts.abWeights ?? null,
    ownerClientId: null,
  });
  const versions = (opts.versions ?? [1, 2, 3]).map((n) =>
    Object.assign(new PromptVersion(), {
      templateId: 'tpl-id',
      version: n,
      systemPrompt: null,
      body: `v${n} hello {{ who }}`,
      variables: [{ name: 'who', required: true }],
      provider: 'mock',
      model: 'echo',
      params: { temperature: 0 },
    }),
  );
  const labels = (
    opts.labels ?? [
      { label: 'production', version: 1 },
      { label: 'latest', version: 3 },
    ]
  ).map((l) => Object.assign(new PromptLabel(), { templateId: 'tpl-id', weights: null, isProtected: false, version: null, ...l }));
  return { template, versions: new Map(versions.map((v) => [v.version, v])), labels: new Map(labels.map((l) => [l.label, l])) };
}

describe('chooseVersion', () => {
  it('defaults to the production label', () => {
    expect(chooseVersion(snapshot(), {})).toBe(1);
  });

  it('serves a named label or an explicit version', () => {
    expect(chooseVersion(snapshot(), { label: 'latest' })).toBe(3);
    expect(chooseVersion(snapshot(), { version: 2 })).toBe(2);
  });

  it('answers 404 for an unknown version or label and 422 when both are given', () => {
    expect(() => chooseVersion(snapshot(), { version: 9 })).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => chooseVersion(snapshot(), { label: 'nope' })).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => chooseVersion(snapshot(), { label: 'latest', version: 1 })).toThrow(expect.objectContaining({ code: 'validation_error' }));
  });

  it('applies the template ab_weights to the default selection only', () => {
    const s = snapshot({ abWeights: { '2': 1, '3': 0 } });
    expect(chooseVersion(s, {}, () => 0.5)).toBe(2);
    expect(chooseVersion(s, { label: 'latest' })).toBe(3);
    expect(chooseVersion(s, { version: 1 })).toBe(1);
  });

  it('follows weights carried by a label', () => {
    const s = snapshot({ labels: [{ label: 'production', weights: { '1': 50, '3': 50 } }] });
    expect(chooseVersion(s, {}, () => 0.1)).toBe(1);
    expect(chooseVersion(s, {}, () => 0.9)).toBe(3);
  });

  it('falls back to the active version when no production label exists', () => {
    expect(chooseVersion(snapshot({ labels: [] }), {})).toBe(1);
  });
});

describe(PromptsService.name, () => {
  it('resolves a template through the cache and renders the chosen version', async () => {
    const cache = { visible: jest.fn().mockResolvedValue(snapshot()), invalidate: jest.fn() } as unknown as jest.Mocked<TemplateCache>;
    const sut = new PromptsService(cache);
    await expect(sut.resolveForGeneration('client-1', { name: 'greet', label: 'latest' }, { who: 'Ada' })).resolves.toEqual({
      templateId: 'tpl-id',
      templateName: 'greet',
      version: 3,
      systemPrompt: null,
      prompt: 'v3 hello Ada',
      provider: 'mock',
      model: 'echo',
      params: { temperature: 0 },
    });
    expect(cache.visible).toHaveBeenCalledWith('client-1', 'greet');
  });

  it('answers 404 for a template the client cannot see', async () => {
    const cache = { visible: jest.fn().mockResolvedValue(null), invalidate: jest.fn() } as unknown as jest.Mocked<TemplateCache>;
    const error = await new PromptsService(cache).resolveForGeneration('c', { name: 'x' }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
  });
});
