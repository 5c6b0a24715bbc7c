import { isDatabaseUnavailable, portOfDatabaseUrl } from '../../../../src/common/errors/database-unavailable';

const endpoint = { port: 5432 };

function systemError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('isDatabaseUnavailable', () => {
  it('recognises a connection refused or timed out at the database port', () => {
    expect(isDatabaseUnavailable(systemError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', syscall: 'connect', port: 5432 }), endpoint)).toBe(
      true,
    );
    expect(isDatabaseUnavailable(systemError('connect ETIMEDOUT 10.0.0.9:5432', { code: 'ETIMEDOUT', syscall: 'connect', port: 5432 }), endpoint)).toBe(true);
  });

  it('does not take another service refusing a connection for the database', () => {
    expect(isDatabaseUnavailable(systemError('connect ECONNREFUSED 127.0.0.1:6379', { code: 'ECONNREFUSED', syscall: 'connect', port: 6379 }), endpoint)).toBe(
      false,
    );
    // a reset names no port: it could be any socket
    expect(isDatabaseUnavailable(systemError('read ECONNRESET', { code: 'ECONNRESET', syscall: 'read' }), endpoint)).toBe(false);
    // before the database is opened nothing is matched by port
    expect(isDatabaseUnavailable(systemError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', syscall: 'connect', port: 5432 }), undefined)).toBe(
      false,
    );
  });

  it("recognises the server's own shutdown and connection errors, also wrapped in a query error", () => {
    expect(isDatabaseUnavailable({ code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' }, endpoint)).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { code: '57P03', severity: 'FATAL', message: 'the database system is starting up' } }, endpoint)).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { code: '08006', severity: 'FATAL', message: 'connection failure' } }, endpoint)).toBe(true);
  });

  it('recognises a database that no longer exists, or no longer accepts the credentials, as unreachable', () => {
    expect(isDatabaseUnavailable({ code: '3D000', severity: 'FATAL', message: 'database "llmhub" does not exist' }, endpoint)).toBe(true);
    expect(isDatabaseUnavailable({ code: '28P01', severity: 'FATAL', message: 'password authentication failed for user "llmhub"' }, endpoint)).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { code: '28000', severity: 'FATAL', message: 'no pg_hba.conf entry for host' } }, endpoint)).toBe(true);
  });

  it("recognises node-postgres's lost-connection messages", () => {
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'), endpoint)).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'), endpoint)).toBe(true);
  });

  it('leaves input and application errors alone', () => {
    expect(isDatabaseUnavailable({ driverError: { code: '23505', severity: 'ERROR', message: 'duplicate key value' } }, endpoint)).toBe(false);
    // an error code string without the server's severity is not the server's
    expect(isDatabaseUnavailable({ code: '08006', message: 'something else' }, endpoint)).toBe(false);
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'), endpoint)).toBe(false);
    expect(isDatabaseUnavailable('Connection terminated unexpectedly', endpoint)).toBe(false);
    expect(isDatabaseUnavailable(null, endpoint)).toBe(false);
  });
});

describe('portOfDatabaseUrl', () => {
  it('reads the port, 5432 when the URL names none', () => {
    expect(portOfDatabaseUrl('postgres://postgres@127.0.0.1:6543/app')).toBe(6543);
    expect(portOfDatabaseUrl('postgresql://db.internal/app')).toBe(5432);
    expect(portOfDatabaseUrl('not a url')).toBeUndefined();
  });
});
