import './gc-tuning';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createServer, type AddressInfo } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from './app.factory';
import { APP_CONFIG } from './config/config.module';
import { addAcceptors, EXTRA_ACCEPTORS } from './common/http/acceptors';
import { GracefulShutdown } from './common/http/graceful-shutdown';
import { logLinesWritten } from './common/logging/logger.options';
import { StartupError } from './common/startup-error';
import { assertDataDirWritable } from './config/data-dir';
import { lockDataDir } from './config/data-dir-lock';
import { AppConfig, ConfigError, parseEnv } from './config/env.schema';
import { assertRedisUsable } from './config/redis-preflight';
import { assertDatabaseReachable } from './database/database-preflight';
import { assertEmbeddedPortFree, assertReachableByServerUser } from './database/embedded-database';
import { exitOnSignalWhileStarting } from './database/exit-on-signal-while-starting';

/** After the grace, the most the rest of the stop (aborted calls, pending records, closing the database) may take before the process exits anyway. */
const CLOSE_BOUND_MS = 30_000;

async function bootstrap(): Promise<void> {
  const stopExitingOnSignal = exitOnSignalWhileStarting('LLMHub was starting');
  // checked before Nest starts: inside it, a bad variable would also print the framework's stack trace
  const env = parseEnv(process.env);
  await assertDataDirWritable(env.dataDir);
  // one server per DATA_DIR: a second would append to and replay the same usage spool
  const dataDirLock = await lockDataDir(env.dataDir);
  process.on('exit', () => dataDirLock.release());
  if (env.databaseUrl) await assertDatabaseReachable(env.databaseUrl, { onWait: (m) => process.stderr.write(`${m}\n`) });
  else {
    await assertReachableByServerUser(env.dataDir);
    await assertEmbeddedPortFree(env.dataDir, env.embeddedDbPort);
  }
  if (env.redisUrl) await assertRedisUsable(env.redisUrl);
  await assertListenable(env.port, env.host);
  const app = await createApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  stopGracefullyOnSignals(app, config.shutdownGraceMs);
  stopExitingOnSignal();
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    const problem = listenProblem(error, config.port, config.host);
    if (!problem) throw error;
    await app.close().catch(() => undefined); // stops an embedded database this process started
    throw new StartupError(problem);
  }
  const acceptors = await addAcceptors(app.getHttpServer());
  if (acceptors.problem) {
    const perTurn = `${acceptors.added + 1} per event-loop turn instead of ${EXTRA_ACCEPTORS + 1}`;
    new Logger('Http').warn(`New connections are accepted ${perTurn} (a burst of them waits longer): ${acceptors.problem}`);
  }
  // PORT=0 takes any free port: say which
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://localhost:${port}`;
  await logLinesWritten();
  process.stdout.write(`LLMHub listening on ${url} (console ${url}/, API docs ${url}/docs)\n`);
}

/**
 * Takes the HTTP port for a moment before anything starts: a first start on a
 * busy port would otherwise create and print the admin token, then stop, and
 * the next start would not print it again. (listen() still says the same if
 * the port is taken in between.)
 */
async function assertListenable(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, host, () => probe.close(() => resolve()));
    });
  } catch (error) {
    const problem = listenProblem(error, port, host);
    throw problem ? new StartupError(problem) : error;
  }
}

/** What to do when the HTTP port cannot be taken; undefined for any other failure. */
function listenProblem(error: unknown, port: number, host: string): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return `LLMHub cannot listen on ${where}: the port is already in use (another LLMHub, or another program).\nStop it, or set PORT to a free port.`;
  if (code === 'EACCES') return `LLMHub cannot listen on ${where}: permission denied (ports below 1024 need privileges).\nSet PORT to 1024 or above.`;
  if (code === 'EADDRNOTAVAIL')
    return `LLMHub cannot listen on ${where}: no network interface of this machine has that address.\nCorrect HOST (0.0.0.0 listens on all).`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `LLMHub cannot listen on ${where}: HOST "${host}" is not a known host name or address (${code}).\nCorrect HOST (0.0.0.0 listens on all).`;
  return undefined;
}

/**
 * SIGTERM or SIGINT: stop taking requests, let those in flight finish within
 * the grace (SHUTDOWN_GRACE_MS; abort what is left, recorded as cancelled),
 * write pending usage records, close the database, exit 0. A second signal
 * ends the grace at once.
 */
function stopGracefullyOnSignals(app: NestExpressApplication, graceMs: number): void {
  const logger = new Logger('Shutdown');
  const shutdown = app.get(GracefulShutdown);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn(`${signal} again: aborting the requests still in flight`);
      shutdown.endGrace();
      return;
    }
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`LLMHub did not finish stopping within ${graceMs + CLOSE_BOUND_MS} ms of ${signal}; exiting\n`);
      process.exit(1);
    }, graceMs + CLOSE_BOUND_MS).unref();
    try {
      logger.log(`${signal}: no new requests; waiting up to ${graceMs} ms for those in flight`);
      const { inFlight, aborted } = await shutdown.drain(app.getHttpServer(), graceMs);
      if (aborted > 0)
        logger.warn(`${aborted} of ${inFlight} requests were still running after ${graceMs} ms (SHUTDOWN_GRACE_MS): aborted, recorded as cancelled`);
      await app.close();
      logger.log(`Stopped (${inFlight - aborted} in-flight requests finished)`);
      process.exit(0);
    } catch (error) {
      process.stderr.write(`LLMHub failed to stop cleanly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void stop(s));
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
