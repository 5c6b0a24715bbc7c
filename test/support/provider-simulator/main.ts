/**
 * Standalone simulator for `npm run simulator` (dist/test/support/provider-simulator/main.js).
 * Listens on SIMULATOR_PORT (default 4010) and stops on SIGTERM/SIGINT.
 */
import { startProviderSimulator } from './server';

// A long-running process must not keep every request in memory.
const MAX_LOGGED_REQUESTS = 10_000;

async function main(): Promise<void> {
  const port = Number(process.env.SIMULATOR_PORT ?? 4010);
  const sim = await startProviderSimulator({ port });
  const trim = setInterval(() => {
    if (sim.requests.length > MAX_LOGGED_REQUESTS) sim.requests.length = 0;
  }, 1000);
  trim.unref();
  console.log(`provider simulator listening on ${sim.url}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`provider simulator: ${signal}, closing`);
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
