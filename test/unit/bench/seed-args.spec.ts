import { parseSeedArgs, SeedArgumentError } from '../../../bench/seed-usage';

describe('seed:usage arguments', () => {
  it('takes --rows, --days and --clients, each defaulted', () => {
    expect(parseSeedArgs([])).toEqual({ rows: 100_000, days: 30, clients: 5 });
    expect(parseSeedArgs(['--rows', '300', '--days', '3'])).toEqual({ rows: 300, days: 3, clients: 5 });
    expect(parseSeedArgs(['--clients', '2'])).toEqual({ rows: 100_000, days: 30, clients: 2 });
  });

  it.each([['--help'], ['-h'], ['--rows', '10', '--help']])('answers help for %p, whatever else is given', (...argv) => {
    expect(parseSeedArgs(argv)).toBe('help');
  });

  it.each([
    [['--row', '10'], 'Unknown argument "--row"'],
    [['10'], 'Unknown argument "10"'],
    [['--rows'], '--rows: expected a positive whole number, got nothing'],
    [['--rows', '0'], '--rows: expected a positive whole number, got "0"'],
    [['--days', '1.5'], '--days: expected a positive whole number, got "1.5"'],
    [['--clients', '1e3'], '--clients: expected a positive whole number, got "1e3"'],
  ])('refuses %p, saying why', (argv, message) => {
    expect(() => parseSeedArgs(argv)).toThrow(new SeedArgumentError(message));
  });
});
