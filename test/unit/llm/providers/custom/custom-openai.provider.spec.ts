import { CustomOpenAiProvider } from '@src/llm/providers/custom/custom-openai.provider';

describe(CustomOpenAiProvider.name, () => {
  it('takes its id and model list from the constructor', () => {
    const sut = new CustomOpenAiProvider('ollama', [{ id: 'llama3.2', kind: 'chat' }]);
    expect(sut.id).toBe('ollama');
    expect(sut.listModels()).toEqual([{ id: 'llama3.2', kind: 'chat' }]);
    expect(new CustomOpenAiProvider('vllm').listModels()).toEqual([]);
  });

  it('is configured by an enabled base URL, with or without a key', () => {
    const sut = new CustomOpenAiProvider('lmstudio');
    sut.configure({ enabled: true, timeoutMs: 1000 });
    expect(sut.isConfigured()).toBe(false);
    sut.configure({ enabled: true, baseUrl: 'http://127.0.0.1:1234/v1', timeoutMs: 1000 });
    expect(sut.isConfigured()).toBe(true);
    sut.configure({ enabled: false, baseUrl: 'http://127.0.0.1:1234/v1', apiKey: 'k', timeoutMs: 1000 });
    expect(sut.isConfigured()).toBe(false);
  });

  it('fails with a ProviderError, not a crash, when called unconfigured', async () => {
    const sut = new CustomOpenAiProvider('ollama');
    await expect(sut.generate({ model: 'x', messages: [] }, new AbortController().signal)).rejects.toMatchObject({ name: 'ProviderError' });
  });
});
