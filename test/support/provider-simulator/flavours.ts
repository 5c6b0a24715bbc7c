/**
 * How each provider's SDK reaches the simulator: the base URL it is given and the wire format it speaks.
 * The provider contract suite runs every registered provider through this table; a provider missing from
 * it fails the suite until the simulator speaks its format and it has an entry here.
 */
export interface SimulatorFlavour {
  /** the SDK's baseURL, from the simulator's URL (OpenAI's SDK wants /v1, Anthropic's and Groq's do not) */
  baseUrl(simUrl: string): string;
  /** whether its request bodies are OpenAI-shaped (a stream must then ask for usage) */
  openAiWire: boolean;
  /** the model the contract suite calls */
  model: string;
  /** a server that takes no key (a local one): the suite configures none */
  keyless?: boolean;
}

export const SIMULATOR_FLAVOURS: Readonly<Record<string, SimulatorFlavour>> = {
  openai: { baseUrl: (sim) => `${sim}/v1`, openAiWire: true, model: 'gpt-4o-mini' },
  // not claude-sonnet-4-5: this SDK version prints a deprecation warning for it
  anthropic: { baseUrl: (sim) => sim, openAiWire: false, model: 'claude-haiku-4-5' },
  groq: { baseUrl: (sim) => sim, openAiWire: true, model: 'llama-3.3-70b-versatile' },
  /** any CUSTOM_PROVIDERS entry: an OpenAI-compatible server (Ollama here) */
  custom: { baseUrl: (sim) => `${sim}/v1`, openAiWire: true, model: 'llama3.2', keyless: true },
};
