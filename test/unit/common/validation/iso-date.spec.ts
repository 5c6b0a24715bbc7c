import { isoDateProblem } from '../../../../src/common/validation/validate.decorators';

describe(isoDateProblem.name, () => {
  const dates = ['2026-12-01', '2026-12-01T09:30:00Z', '2026-12-01T09:30:00.123+02:00', '2024-02-29', '1970-01-01', '9999-12-31'];
  // years 1-99: IsISO8601's strict mode reads them as 1901-1999 and refused them
  const earlyYears = ['0001-01-01', '0048-02-29', '0099-12-31T23:59:59Z'];

  it.each([...dates, ...earlyYears])('accepts %p', (value) => {
    expect(isoDateProblem(value)).toBeUndefined();
  });

  it.each([
    // pass class-validator's plain IsISO8601, yet roll over (February 30 → March 2) or are NaN to `new Date`
    ['2026-02-30', 'must be an ISO 8601 date'],
    ['2023-02-29', 'must be an ISO 8601 date'],
    ['2026-W01', 'must be an ISO 8601 date'],
    ['2026-123', 'must be an ISO 8601 date'],
    ['20261201', 'must be an ISO 8601 date'],
    ['2026-12-01T25:00:00Z', 'must be an ISO 8601 date'],
    ['0050-02-29', 'must be an ISO 8601 date'],
    // year 0 reads in JavaScript but not in PostgreSQL
    ['0000-01-01', 'must be'],
    ['0000-06-01T00:00:00Z', 'must be'],
    ['tomorrow', 'must be an ISO 8601 date'],
    [20261201, 'must be an ISO 8601 date'],
  ])('refuses %p', (value, problem) => {
    expect(isoDateProblem(value)).toContain(problem);
  });
});
