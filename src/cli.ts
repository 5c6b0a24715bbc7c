import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { AdminAuthService } from './auth/admin-auth.service';
import { ApiKeysService } from './auth/api-keys.service';
import { AuthModule } from './auth/auth.module';
import { ClientsService } from './auth/clients.service';
import { ApiClientCreateDto } from './auth/dto/api-client.dto';
import { ApiKeyCreateDto, ApiKeyRotateDto } from './auth/dto/api-key.dto';
import { AppError } from './common/errors/app-error';
import { PROCESS_ROLE, ProcessRole } from './common/process-role';
import { ConfigModule } from './config/config.module';
import { StartupError } from './common/startup-error';
import { assertDataDirWritable } from './config/data-dir';
import { ConfigError, parseEnv } from './config/env.schema';
import { assertDatabaseReachable } from './database/database-preflight';
import { assertEmbeddedPortFree, assertReachableByServerUser } from './database/embedded-database';
import { DatabaseModule } from './database/database.module';
import { exitOnSignalWhileStarting } from './database/exit-on-signal-while-starting';
import { ProviderNamesModule } from './llm/providers/provider-names.module';
import { isUuid } from './common/uuid';

/** A command runs beside the server: first-start work (the admin token) and the usage spool are the server's. */
@Global()
@Module({ providers: [{ provide: PROCESS_ROLE, useValue: 'cli' satisfies ProcessRole }], exports: [PROCESS_ROLE] })
class CliRoleModule {}

/** Just what the commands need: configuration, the database (migrated on start) and the auth services. */
@Module({ imports: [CliRoleModule, ConfigModule, DatabaseModule, ProviderNamesModule, AuthModule] })
class CliModule {}

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                                          apply pending database migrations
  client:create --name NAME [--rpm N] [--tpm N] [--budget USD]
                                                   create a client and its first API key (printed once, with its id)
  key:create --client ID|NAME [--name NAME]        create another API key for a client (printed once)
  key:rotate KEY_ID [--grace-seconds N]            replace a key; the old one works N more seconds (default 0)
  admin:reset-token                                print a new admin token (once), replacing the stored one

Exit codes: 0 done, 1 refused or failed (the message says why), 2 wrong arguments.
`;

class UsageError extends Error {}

/** Asked for the usage: printed on stdout, exit 0. */
class HelpRequested extends Error {}

const HELP_OPTIONS = new Set(['--help', '-h']);

interface ParsedArgs {
  command: string;
  positional: string[];
  options: Map<string, string>;
  /** options given without a value (`--force`), reported once the command says which options it takes */
  valueless: string[];
}

export function parseArgs(argv: string[]): ParsedArgs {
  if (argv[0] === 'help' || argv.some((arg) => HELP_OPTIONS.has(arg))) throw new HelpRequested();
  const [command, ...rest] = argv;
  if (!command) throw new UsageError('No command given');
  const positional: string[] = [];
  const options = new Map<string, string>();
  const valueless: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const next = rest[i + 1];
      const value = eq > 0 ? arg.slice(eq + 1) : next !== undefined && !next.startsWith('--') ? rest[++i] : undefined;
      // the last of two would win silently: `--name a --name b` is more likely a slip than a wish
      if (options.has(name) || valueless.includes(name)) throw new UsageError(`--${name} is given twice`);
      if (value === undefined) valueless.push(name);
      else options.set(name, value);
    } else if (/^-[A-Za-z]/.test(arg)) {
      throw new UsageError(`Unknown option ${arg} for ${command} (options are written --name VALUE)`);
    } else {
      positional.push(arg);
    }
  }
  return { command, positional, options, valueless };
}

function only(args: ParsedArgs, allowed: string[], positional = 0): void {
  for (const name of [...args.options.keys(), ...args.valueless])
    if (!allowed.includes(name)) throw new UsageError(`Unknown option --${name} for ${args.command}`);
  const [valueless] = args.valueless;
  if (valueless !== undefined) throw new UsageError(`--${valueless} needs a value`);
  if (args.positional.length !== positional) {
    const got = args.positional.length === 0 ? 'none' : args.positional.map((p) => `"${p}"`).join(', ');
    throw new UsageError(`${args.command} takes ${positional === 0 ? 'no arguments' : `${positional} argument`} besides its options; got ${got}`);
  }
}

function positiveInt(args: ParsedArgs, name: string, min = 1): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got "${raw}")`);
  return Number(raw);
}

/** The option each API field comes from, to name it in a message. */
const OPTION_OF: Record<string, string> = {
  name: '--name',
  rate_limit_rpm: '--rpm',
  rate_limit_tpm: '--tpm',
  monthly_budget_usd: '--budget',
  grace_period_seconds: '--grace-seconds',
};

/** Checks the options with the DTO the admin API validates the same fields with, so the CLI accepts exactly what the API does. */
function validated<T extends object>(type: new () => T, fields: Record<string, unknown>): T {
  const dto = plainToInstance(type, fields);
  const problems = validateSync(dto).flatMap((error) =>
    // the API's messages name its field; here the user typed the option
    Object.values(error.constraints ?? {}).map((message) => {
      const option = OPTION_OF[error.property] ?? error.property;
      return message.startsWith(`${error.property} `) ? `${option}${message.slice(error.property.length)}` : `${option}: ${message}`;
    }),
  );
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return dto;
}

function required(args: ParsedArgs, name: string): string {
  const value = args.options.get(name);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** Validates arguments before anything connects, so a typo costs nothing. */
function plan(args: ParsedArgs): (ctx: { get<T>(type: new (...a: never[]) => T): T }) => Promise<string> {
  switch (args.command) {
    case 'migrate':
      only(args, []);
      return async (ctx) => {
        const [row]: { n: number }[] = await ctx.get(DataSource).query(`SELECT count(*)::int AS n FROM llmhub_migrations`);
        return `Database schema is up to date (${row?.n ?? 0} migrations applied).`;
      };
    case 'client:create': {
      only(args, ['name', 'rpm', 'tpm', 'budget']);
      const dto = validated(ApiClientCreateDto, {
        name: required(args, 'name'),
        rate_limit_rpm: positiveInt(args, 'rpm') ?? null,
        rate_limit_tpm: positiveInt(args, 'tpm') ?? null,
        monthly_budget_usd: args.options.get('budget') ?? null,
      });
      return async (ctx) => {
        const client = await ctx.get(ClientsService).create(dto);
        const key = await ctx.get(ApiKeysService).create(client.id, { name: 'default' });
        const keyLine = `Key "${key.name}" (id ${key.id}) created for client "${client.name}".`;
        return `Client "${client.name}" created (id ${client.id}).\n${keyLine}\nAPI key (shown only this once, store it now):\n\n  ${key.key}\n`;
      };
    }
    case 'key:create': {
      only(args, ['client', 'name']);
      const client = required(args, 'client');
      const dto = validated(ApiKeyCreateDto, { name: args.options.get('name') });
      return async (ctx) => {
        const found = await ctx.get(ClientsService).resolve(client);
        const key = await ctx.get(ApiKeysService).create(found.id, dto);
        return `Key "${key.name}" (id ${key.id}) created for client "${found.name}".\nAPI key (shown only this once):\n\n  ${key.key}\n`;
      };
    }
    case 'key:rotate': {
      only(args, ['grace-seconds'], 1);
      const keyId = args.positional[0];
      if (!isUuid(keyId)) throw new UsageError(`KEY_ID must be a key id (a UUID, as client:create and key:create print it), got "${keyId}"`);
      const { grace_period_seconds: grace = 0 } = validated(ApiKeyRotateDto, { grace_period_seconds: positiveInt(args, 'grace-seconds', 0) });
      return async (ctx) => {
        const key = await ctx.get(ApiKeysService).rotate(keyId, grace);
        const old = key.previous_key_expires_at ? `The old key works until ${key.previous_key_expires_at}.` : 'The old key is revoked.';
        return `Key rotated: new key id ${key.id}. ${old}\nNew API key (shown only this once):\n\n  ${key.key}\n`;
      };
    }
    case 'admin:reset-token':
      only(args, []);
      return async (ctx) => {
        const admin = ctx.get(AdminAuthService);
        const token = await admin.resetToken();
        const note = admin.usesEnvironmentToken ? '\nNote: ADMIN_TOKEN is set in the environment and takes precedence; unset it to use this token.' : '';
        return `New admin token (shown only this once; every console session was ended):\n\n  ${token}\n${note}`;
      };
    default:
      throw new UsageError(`Unknown command "${args.command}"`);
  }
}

async function main(argv: string[]): Promise<number> {
  let run: ReturnType<typeof plan>;
  try {
    run = plan(parseArgs(argv));
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  // a command is short: a signal ends it at once, stopping an embedded database it started
  exitOnSignalWhileStarting(`npm run cli -- ${argv[0]} was running`);
  // before Nest starts, so a bad variable, a wrong DATABASE_URL or an unreachable embedded database prints its message alone
  const env = parseEnv(process.env);
  if (env.databaseUrl) await assertDatabaseReachable(env.databaseUrl, { onWait: (m) => process.stderr.write(`${m}\n`) });
  else {
    await assertDataDirWritable(env.dataDir);
    await assertReachableByServerUser(env.dataDir);
    await assertEmbeddedPortFree(env.dataDir, env.embeddedDbPort);
  }
  const ctx = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    process.stdout.write(`${await run(ctx)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      process.stderr.write(
        error instanceof ConfigError || error instanceof StartupError
          ? `${error.message}\n`
          : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    });
}
