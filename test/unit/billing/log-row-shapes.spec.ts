import { getMetadataArgsStorage } from 'typeorm';
import { GenerationLog } from '@src/billing/generation-log.entity';
import type { UsageRecord } from '@src/billing/usage-record';
import { LOG_COLUMNS, toColumnArrays } from '@src/billing/usage.repository';

/**
 * One llm_generation_log row has several shapes: UsageRecord (what is recorded), LOG_COLUMNS (what the insert
 * writes), the GenerationLog entity (the schema TypeORM knows). A field added to one and forgotten in another
 * fails here: at compile time for UsageRecord against LOG_COLUMNS, at run time for the entity.
 */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type WrittenFields = Camel<(typeof LOG_COLUMNS)[number][0]>;
type Missing = Exclude<keyof UsageRecord, WrittenFields>;
type Unknown = Exclude<WrittenFields, keyof UsageRecord>;
// does not compile while a UsageRecord field has no column, or a column no UsageRecord field
const sameFields: [Missing, Unknown] extends [never, never] ? true : { missing: Missing; unknown: Unknown } = true;

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe('one log row, its shapes agree', () => {
  it('writes a column for every UsageRecord field and nothing else', () => {
    expect(sameFields).toBe(true);
    expect(new Set(LOG_COLUMNS.map(([column]) => camel(column))).size).toBe(LOG_COLUMNS.length);
  });

  it('writes exactly the columns the GenerationLog entity declares', () => {
    const entityColumns = getMetadataArgsStorage()
      .columns.filter((c) => c.target === GenerationLog)
      .map((c) => c.options.name ?? c.propertyName);
    expect(entityColumns.length).toBeGreaterThan(20);
    expect([...entityColumns].sort()).toEqual(LOG_COLUMNS.map(([column]) => column).sort());
  });

  it('gives one parameter array per column', () => {
    const record = Object.fromEntries(LOG_COLUMNS.map(([column]) => [camel(column), null])) as unknown as UsageRecord;
    expect(toColumnArrays([{ ...record, createdAt: new Date(0) }])).toHaveLength(LOG_COLUMNS.length);
  });
});
