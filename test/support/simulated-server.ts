import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from './db';
import { ProviderSimulator, startProviderSimulator } from './provider-simulator/server';
import { ServerProcess, startServer } from './server-process';

/** The built server on a fresh database and data directory, its providers answered by a simulator of its own. */
export interface SimulatedServer {
  server: ServerProcess;
  sim: ProviderSimulator;
  db: TestDatabase;
  /** Stops the server (SIGKILL, or a graceful SIGTERM stop), then removes the simulator, the database and the data directory. */
  close(how?: 'kill9' | 'stop'): Promise<void>;
}

/**
 * Starts what a built-server spec needs: a fresh database, a data directory
 * named after `label`, a provider simulator, and `node dist/src/main.js` with
 * the variables `env` gives for the simulator's URL. Whatever started is
 * removed again when the server fails to come up.
 */
export async function startSimulatedServer(label: string, env: (simUrl: string) => Record<string, string>): Promise<SimulatedServer> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), `llmhub-${label}-`));
  let sim: ProviderSimulator | undefined;
  const cleanUp = async (): Promise<void> => {
    await sim?.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    sim = await startProviderSimulator();
    const server = await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir }, env(sim.url));
    return {
      server,
      sim,
      db,
      close: async (how = 'kill9') => {
        await (how === 'stop' ? server.stop() : server.kill9());
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
