import { Logger } from '@nestjs/common';
import { ReplyError } from 'ioredis';
import type { BudgetRequest, SettleRequest } from '@src/auth/limits/limit-types';
import { RedisBacklog } from '@src/auth/limits/redis-backlog';

const budget = (clientId: string): BudgetRequest => ({
  clientId,
  periodStart: new Date('2026-12-01T00:00:00Z'),
  periodEnd: new Date('2027-01-01T00:00:00Z'),
  limitUnits: 10n ** 12n,
  reserveUnits: 1_000n,
  reservationId: `reservation-${clientId}`,
});

describe(RedisBacklog.name, () => {
  let sent: SettleRequest[];
  let answer: (req: SettleRequest) => Promise<void>;
  let backlog: RedisBacklog;

  beforeEach(() => {
    sent = [];
    answer = async () => undefined;
    backlog = new RedisBacklog((req) => {
      sent.push(req);
      return answer(req);
    }, new Logger('test'));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('adds up what each client spent without Redis into one addition per client and period, sent after the kept settlements', async () => {
    backlog.admissionFailed(budget('a'));
    backlog.spentWithoutRedis(budget('a'), 300n);
    backlog.spentWithoutRedis(budget('b'), 50n);
    backlog.spentWithoutRedis(budget('a'), 200n);
    backlog.spentWithoutRedis(budget('a'), 0n);
    await backlog.flush();
    expect(sent.map((r) => [r.clientId, r.budget?.reservedUnits, r.budget?.actualUnits])).toEqual([
      ['a', 1_000n, 0n],
      ['a', 0n, 500n],
      ['b', 0n, 50n],
    ]);
    expect(backlog.pending).toBe(false);
  });

  it('keeps what Redis did not take and rejects, then sends it on the next flush', async () => {
    backlog.spentWithoutRedis(budget('a'), 500n);
    answer = () => Promise.reject(new Error('Connection is closed.'));
    await expect(backlog.flush()).rejects.toThrow(/did not take 1 of 1/);
    expect(backlog.pending).toBe(true);
    answer = async () => undefined;
    await backlog.flush();
    expect(sent.at(-1)?.budget?.actualUnits).toBe(500n);
    expect(backlog.pending).toBe(false);
  });

  it('drops a settlement Redis answered with an error, so one bad entry cannot keep every call off Redis', async () => {
    backlog.admissionFailed(budget('a'));
    const refused = new ReplyError('ERR something') as unknown as Error;
    answer = () => Promise.reject(refused);
    await backlog.flush();
    expect(backlog.pending).toBe(false);
  });
});
