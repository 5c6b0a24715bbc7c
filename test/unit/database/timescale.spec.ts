import { ensureTimescale, preloadsTimescale, TIMESCALE_NOT_PRELOADED } from '@src/database/timescale';

/** A database that answers the few catalog queries ensureTimescale asks, and records every statement. */
function database(state: { installed?: boolean; offered: boolean; preload: string; createFails?: boolean }) {
  const statements: string[] = [];
  const query = async (sql: string): Promise<unknown[]> => {
    statements.push(sql);
    if (sql.includes('FROM pg_extension')) return state.installed ? [{}] : [];
    if (sql.includes('pg_available_extensions')) return state.offered ? [{}] : [];
    if (sql.includes('shared_preload_libraries')) return [{ setting: state.preload }];
    if (sql.startsWith('CREATE EXTENSION')) {
      // what the real server does without the preload: FATAL, and the connection is gone
      if (!preloadsTimescale(state.preload)) throw new Error('FATAL: extension "timescaledb" must be preloaded');
      if (state.createFails) throw new Error('permission denied to create extension "timescaledb"');
    }
    return [];
  };
  return { runner: { query }, statements };
}

describe(ensureTimescale.name, () => {
  const logger = () => ({ warn: jest.fn() });

  it('offered but not preloaded: stays on plain PostgreSQL without trying CREATE EXTENSION, and says how to enable it', async () => {
    const { runner, statements } = database({ offered: true, preload: 'pg_stat_statements' });
    const log = logger();
    await expect(ensureTimescale(runner, log)).resolves.toBe(false);
    expect(statements.some((s) => s.startsWith('CREATE EXTENSION'))).toBe(false);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith(TIMESCALE_NOT_PRELOADED);
    expect(TIMESCALE_NOT_PRELOADED).toContain("shared_preload_libraries = 'timescaledb'");
  });

  it('offered and preloaded: creates the extension', async () => {
    const { runner, statements } = database({ offered: true, preload: 'pg_stat_statements, timescaledb' });
    const log = logger();
    await expect(ensureTimescale(runner, log)).resolves.toBe(true);
    expect(statements).toContain('CREATE EXTENSION IF NOT EXISTS timescaledb');
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('preloaded but refused (no privilege): rolls back to the savepoint and warns', async () => {
    const { runner, statements } = database({ offered: true, preload: 'timescaledb', createFails: true });
    const log = logger();
    await expect(ensureTimescale(runner, log)).resolves.toBe(false);
    expect(statements).toContain('ROLLBACK TO SAVEPOINT timescale_probe');
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('permission denied'));
  });

  it('not offered: plain PostgreSQL, silently', async () => {
    const log = logger();
    await expect(ensureTimescale(database({ offered: false, preload: '' }).runner, log)).resolves.toBe(false);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('already installed: TimescaleDB', async () => {
    await expect(ensureTimescale(database({ installed: true, offered: true, preload: 'timescaledb' }).runner, logger())).resolves.toBe(true);
  });
});

describe(preloadsTimescale.name, () => {
  it.each([
    ['timescaledb', true],
    ['pg_stat_statements,timescaledb', true],
    [' "timescaledb" ', true],
    ['$libdir/timescaledb', true],
    ['timescaledb-2.17.2', true],
    ['', false],
    [null, false],
    ['pg_stat_statements', false],
    ['timescaledb_toolkit', false],
  ])('%p → %p', (setting, expected) => {
    expect(preloadsTimescale(setting)).toBe(expected);
  });
});
