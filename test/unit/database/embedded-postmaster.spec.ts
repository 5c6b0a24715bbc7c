import { LineSplitter, isPostmasterFor, parsePostmasterPid, postgresLogLevel } from '@src/database/embedded-postmaster';

describe('parsePostmasterPid', () => {
  it('reads pid, data dir, port and status from a ready server', () => {
    const content = '4242\n/data/postgres\n1764415224\n54321\n\n127.0.0.1\n  1234567    32768\nready   \n';
    expect(parsePostmasterPid(content)).toEqual({
      pid: 4242,
      dataDir: '/data/postgres',
      port: 54321,
      status: 'ready',
    });
  });

  it('accepts a file written only up to the pid line (server still starting)', () => {
    expect(parsePostmasterPid('77\n')).toEqual({ pid: 77, dataDir: undefined, port: undefined, status: undefined });
  });

  it.each(['', '\n', 'abc\n/data', '-5\n', '0\n', '12x\n'])('rejects a first line that is not a positive pid: %j', (content) => {
    expect(parsePostmasterPid(content)).toBeUndefined();
  });
});

describe('isPostmasterFor', () => {
  const dir = '/srv/llmhub/data/postgres';

  it('matches the postgres binary started on that data directory', () => {
    expect(isPostmasterFor(`/opt/bin/postgres -D ${dir} -p 5433 -c listen_addresses=127.0.0.1`, dir)).toBe(true);
  });

  it('rejects a postgres serving another data directory', () => {
    expect(isPostmasterFor('/usr/lib/postgresql/17/bin/postgres -D /var/lib/postgresql/17/main', dir)).toBe(false);
  });

  it('rejects a different program that reused the pid', () => {
    expect(isPostmasterFor(`node server.js ${dir}`, dir)).toBe(false);
  });
});

describe('postgresLogLevel', () => {
  it.each([
    ['2026-01-01 00:00:00 UTC [1] LOG:  database system is ready to accept connections', 'info'],
    ['2026-01-01 00:00:00 UTC [1] WARNING:  could not flush dirty data', 'warn'],
    ['2026-01-01 00:00:00 UTC [1] ERROR:  relation "x" does not exist', 'error'],
    ['2026-01-01 00:00:00 UTC [1] FATAL:  lock file "postmaster.pid" already exists', 'error'],
    // a session the fast shutdown of a stop ended: the stop, not a failure (a stderr line would fail seed:usage's run)
    ['2026-12-04 03:59:07.991 UTC [15805] FATAL:  terminating connection due to administrator command', 'info'],
    ['2026-01-01 00:00:00 UTC [1] PANIC:  could not write to file', 'error'],
    ['creating subdirectories ... ok', 'info'],
  ])('maps %j to %s', (line, level) => {
    expect(postgresLogLevel(line)).toBe(level);
  });
});

describe('LineSplitter', () => {
  it('joins a line split across chunks and drops blank lines', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('creating subdirectories ... ')).toEqual([]);
    expect(splitter.push('ok\n\nselecting')).toEqual(['creating subdirectories ... ok']);
    expect(splitter.push(' defaults ... ok\r\n')).toEqual(['selecting defaults ... ok']);
  });

  it('returns the unterminated remainder on flush, once', () => {
    const splitter = new LineSplitter();
    splitter.push('Success.');
    expect(splitter.flush()).toEqual(['Success.']);
    expect(splitter.flush()).toEqual([]);
  });
});
