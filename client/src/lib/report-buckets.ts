/** The size of a usage report's bucket. */
export type Granularity = 'hour' | 'day' | 'month';

/** The most buckets drawn: a day report reaches 1,100 days, an hour one 31 days (744). */
const MAX_BUCKETS = 1_200;

/**
 * The start of every bucket of a report, from its `from` up to its (exclusive) `to`, as the API writes a
 * bucket (ISO 8601, UTC): the chart draws each one, so a period with no spend shows as zero on a time
 * axis instead of vanishing, and one day of spend does not fill the chart as if it were the whole range.
 */
export function bucketStarts(from: string, to: string, granularity: Granularity): string[] {
  const end = new Date(to).getTime();
  const starts: string[] = [];
  for (let at = new Date(from); at.getTime() < end && starts.length < MAX_BUCKETS; at = next(at, granularity)) {
    starts.push(at.toISOString());
  }
  return starts;
}

function next(at: Date, granularity: Granularity): Date {
  const step = new Date(at.getTime());
  if (granularity === 'hour') step.setUTCHours(step.getUTCHours() + 1);
  else if (granularity === 'day') step.setUTCDate(step.getUTCDate() + 1);
  else step.setUTCMonth(step.getUTCMonth() + 1);
  return step;
}
