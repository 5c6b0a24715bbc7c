import { AppError } from '@src/common/errors/app-error';
import { PromptLabel } from '@src/prompts/prompt-label.entity';
import { PromptTemplate } from '@src/prompts/prompt-template.entity';
import { PromptVersion } from '@src/prompts/prompt-version.entity';
import { chooseVersion, PromptsService, renderSnapshot } from '@src/prompts/prompts.service';
import { TemplateCache, TemplateSnapshot, templateSnapshot } from '@src/prompts/template-cache.service';

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
  return templateSnapshot(template, versions, labels);
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

describe('rendering through a split whose versions declare different variables', () => {
  const base = snapshot({ abWeights: { '1': 1, '2': 1 } });
  const variables: Record<number, PromptVersion['variables']> = {
    1: [{ name: 'who', required: true }],
    2: [
      { name: 'who', required: true },
      { name: 'when', required: true },
      { name: 'mood', required: false },
    ],
  };
  const versions = [...base.versions.values()].map((v) => Object.assign(new PromptVersion(), v, { variables: variables[v.version] ?? v.variables }));
  const split = templateSnapshot(base.template, versions, [...base.labels.values()]);
  const onArm = (point: number, input: Record<string, unknown>) => {
    try {
      return renderSnapshot(split, {}, input, () => point).version;
    } catch (e) {
      return (e as AppError).details;
    }
  };

  it('gives the same answer whichever arm the pick lands on', () => {
    expect(onArm(0.1, { who: 'Ada' })).toEqual(onArm(0.9, { who: 'Ada' }));
    expect(onArm(0.1, { who: 'Ada' })).toEqual([
      { field: 'variables.when', message: 'required variable "when" is missing: version 2 of the A/B split in ab_weights requires it' },
    ]);
    expect([onArm(0.1, { who: 'Ada', when: 'now', mood: 'glad' }), onArm(0.9, { who: 'Ada', when: 'now', mood: 'glad' })]).toEqual([1, 2]);
  });

  it('keeps an explicit version strict', () => {
    expect(() => renderSnapshot(split, { version: 1 }, { who: 'Ada', mood: 'glad' })).toThrow(expect.objectContaining({ code: 'validation_error' }));
  });
});
