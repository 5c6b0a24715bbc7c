import { Client as PgClient } from 'pg';
import { createApiClient, createApiKey, createLlmHubClient, type ApiClientCreateDto, type Client } from '../../sdk/src';
import { RouterService } from '@src/llm/routing/router.service';
import { startTestApp, TestApp } from './app';
import { ProviderSimulator, startProviderSimulator } from './provider-simulator/server';

export interface GatewayFixture {
  sim: ProviderSimulator;
  /** the app on a fresh database: url, db, adminToken, and the Nest app for its services */
  app: TestApp;
  /** a connection to the app's database, for what a spec checks there (the usage log) */
  db: PgClient;
  /** the generated SDK, signed in with the admin token */
  admin: Client;
  /** an API key of the fixture's own client */
  apiKey: string;
  /** a further client (name and settings as the admin API takes them) with one key */
  newClient(body?: Partial<ApiClientCreateDto>): Promise<{ id: string; key: string }>;
  /** between tests: forgets the simulator's requests and closes every circuit, so no test finds one its neighbours opened */
  resetBetweenTests(): void;
  /** closes the database connection, stops the app (dropping its database), then the simulator */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** the fixture client's name, for the logs and reports of the spec */
  clientName: string;
  /** more environment on top of the providers pointed at the simulator; undefined unsets a variable */
  env?: (simUrl: string) => Record<string, string | undefined>;
}

/** OpenAI, Anthropic and Groq configured with test keys and pointed at the simulator. */
export function simulatedProviders(simUrl: string): Record<string, string> {
  return {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: `${simUrl}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: simUrl,
    GROQ_API_KEY: 'gsk-test',
    GROQ_BASE_URL: simUrl,
  };
}

/**
 * The gateway as an e2e spec needs it: the provider simulator, the app with the
 * providers pointed at it (the mock provider on, as startTestApp sets it), and a
 * client with an API key made through the admin API.
 */
export async function startGatewayFixture(options: GatewayOptions): Promise<GatewayFixture> {
  const sim = await startProviderSimulator();
  let app: TestApp | undefined;
  let db: PgClient | undefined;
  try {
    app = await startTestApp({ ...simulatedProviders(sim.url), ...options.env?.(sim.url) });
    const admin = createLlmHubClient({ baseUrl: app.url, adminToken: app.adminToken });
    const newClient = async (body: Partial<ApiClientCreateDto> = {}) => {
      const name = body.name ?? `client-${Math.random().toString(36).slice(2)}`;
      const client = await createApiClient({ client: admin, body: { ...body, name }, throwOnError: true });
      const key = await createApiKey({ client: admin, path: { id: client.data.id }, body: { name: 'k' }, throwOnError: true });
      return { id: client.data.id, key: key.data.key };
    };
    const { key } = await newClient({ name: options.clientName });
    db = new PgClient({ connectionString: app.db.url });
    await db.connect();
    const started = app;
    const connected = db;
    return {
      sim,
      app,
      db,
      admin,
      apiKey: key,
      newClient,
      resetBetweenTests: () => {
        sim.reset();
        started.app.get(RouterService).resetCircuits();
      },
      close: async () => {
        await connected.end();
        await started.close();
        await sim.close();
      },
    };
  } catch (error) {
    await db?.end();
    await app?.close();
    await sim.close();
    throw error;
  }
}
