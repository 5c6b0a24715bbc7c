import { PromptLabel } from '@src/prompts/prompt-label.entity';
import { PromptTemplate } from '@src/prompts/prompt-template.entity';
import { PromptVersion } from '@src/prompts/prompt-version.entity';
import { PromptsRepository } from '@src/prompts/prompts.repository';
import { TEMPLATE_CACHE_TTL_MS, TemplateCache } from '@src/prompts/template-cache.service';

function fakeRepository(): jest.Mocked<Pick<PromptsRepository, 'findVisibleByName' | 'versionsOf' | 'labelsOf'>> {
  return {
    findVisibleByName: jest.fn().mockResolvedValue(Object.assign(new PromptTemplate(), { id: 't1', name: 'greet' })),
    versionsOf: jest.fn().mockResolvedValue([]),
    labelsOf: jest.fn().mockResolvedValue([]),
  };
}

describe(TemplateCache.name, () => {
  afterEach(() => jest.useRealTimers());

  it('loads a template once for concurrent and repeated reads within the TTL', async () => {
    const repo = fakeRepository();
    const sut = new TemplateCache(repo as unknown as PromptsRepository);
    await Promise.all([sut.visible('c', 'greet'), sut.visible('c', 'greet'), sut.visible('c', 'greet')]);
    expect(repo.findVisibleByName).toHaveBeenCalledTimes(1);
  });

  it('keeps clients apart and reloads after the TTL or an invalidation', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const repo = fakeRepository();
    const sut = new TemplateCache(repo as unknown as PromptsRepository);
    await sut.visible('c1', 'greet');
    await sut.visible('c2', 'greet');
    expect(repo.findVisibleByName).toHaveBeenCalledTimes(2);
    jest.setSystemTime(1_000_000 + TEMPLATE_CACHE_TTL_MS + 1);
    await sut.visible('c1', 'greet');
    expect(repo.findVisibleByName).toHaveBeenCalledTimes(3);
    sut.invalidate();
    await sut.visible('c1', 'greet');
    expect(repo.findVisibleByName).toHaveBeenCalledTimes(4);
  });

  it('does not keep a failed load', async () => {
    const repo = fakeRepository();
    repo.findVisibleByName.mockRejectedValueOnce(new Error('db down'));
    const sut = new TemplateCache(repo as unknown as PromptsRepository);
    await expect(sut.visible('c', 'greet')).rejects.toThrow('db down');
    await expect(sut.visible('c', 'greet')).resolves.toMatchObject({ template: { id: 't1' } });
  });

  it('serves the expired snapshot while the database is unreachable, and reloads once it is back', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const repo = fakeRepository();
    const sut = new TemplateCache(repo as unknown as PromptsRepository);
    await sut.visible('c', 'greet');
    repo.findVisibleByName.mockRejectedValue(new Error('db down'));
    jest.setSystemTime(1_000_000 + TEMPLATE_CACHE_TTL_MS + 1);
    await expect(sut.visible('c', 'greet')).resolves.toMatchObject({ template: { id: 't1' } });
    jest.setSystemTime(1_000_000 + 3 * TEMPLATE_CACHE_TTL_MS);
    await expect(sut.visible('c', 'greet')).resolves.toMatchObject({ template: { id: 't1' } });
    expect(repo.findVisibleByName).toHaveBeenCalledTimes(3);
    repo.findVisibleByName.mockResolvedValue(Object.assign(new PromptTemplate(), { id: 't2', name: 'greet' }));
    jest.setSystemTime(1_000_000 + 5 * TEMPLATE_CACHE_TTL_MS);
    await expect(sut.visible('c', 'greet')).resolves.toMatchObject({ template: { id: 't2' } });
  });

  it('holds every version its labels point at, even when a publish commits while it is read', async () => {
    const repo = fakeRepository();
    const versions = [Object.assign(new PromptVersion(), { version: 1 })];
    const labels = [Object.assign(new PromptLabel(), { label: 'latest', version: 1, weights: null })];
    repo.versionsOf.mockImplementation(() => Promise.resolve([...versions]));
    repo.labelsOf.mockImplementation(() => {
      // another instance publishes version 2 with `latest` between this snapshot's reads
      versions.push(Object.assign(new PromptVersion(), { version: 2 }));
      labels[0] = Object.assign(new PromptLabel(), { label: 'latest', version: 2, weights: null });
      return Promise.resolve([...labels]);
    });
    const sut = new TemplateCache(repo as unknown as PromptsRepository);
    const snapshot = await sut.visible('c', 'greet');
    const latest = snapshot?.labels.get('latest')?.version;
    expect(latest).toBe(2);
    expect(snapshot?.versions.has(latest as number)).toBe(true);
  });
});
