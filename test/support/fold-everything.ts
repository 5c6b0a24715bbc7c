import { NOT_FOLDED } from '@src/billing/rollup-fold';
import type { RollupFoldService } from '@src/billing/rollup-fold.service';

/**
 * Folds until no log row is left unfolded. A fold takes only the rows of
 * transactions older than every one still running on the server, other
 * databases' included (other test files run alongside), so one fold may leave
 * the newest rows for the next.
 */
export async function foldEverything(fold: Pick<RollupFoldService, 'fold'>, query: (sql: string) => Promise<unknown[]>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await fold.fold();
    const [{ n }] = (await query(`SELECT count(*)::int AS n FROM llm_generation_log WHERE ${NOT_FOLDED}`)) as { n: number }[];
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} log rows still not folded after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
