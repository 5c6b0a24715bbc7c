import 'reflect-metadata';
import { createApp } from './app.factory';
import { APP_CONFIG } from './config/config.module';
import { StartupError } from './common/startup-error';
import { AppConfig, ConfigError, parseEnv } from './config/env.schema';
import { assertReachableByServerUser } from './database/embedded-database';

async function bootstrap(): Promise<void> {
  // checked before Nest starts: inside it, a bad variable would also print the framework's stack trace
  const env = parseEnv(process.env);
  if (!env.databaseUrl) await assertReachableByServerUser(env.dataDir);
  const app = await createApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port, config.host);
  const url = `http://localhost:${config.port}`;
  process.stdout.write(`LLMHub listening on ${url} (console ${url}/, API docs ${url}/docs)\n`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every variable and its default.\n`);
  } else if (error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`LLMHub failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
