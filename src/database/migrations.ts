import { CreateCoreSchema1764417600000 } from '../../migrations/1764417600000-CreateCoreSchema';
import { CreateGenerationLog1764417600001 } from '../../migrations/1764417600001-CreateGenerationLog';
import { CreateCostRollups1764417600002 } from '../../migrations/1764417600002-CreateCostRollups';
import { CreateBudgetCounters1764417700000 } from '../../migrations/1764417700000-CreateBudgetCounters';
import { SeedSystemTemplates1764417900000 } from '../../migrations/1764417900000-SeedSystemTemplates';
import { FoldCostRollups1764418000000 } from '../../migrations/1764418000000-FoldCostRollups';
import { DropLogIdIndex1764418100000 } from '../../migrations/1764418100000-DropLogIdIndex';
import { AddCacheWrite1hPrice1764418200000 } from '../../migrations/1764418200000-AddCacheWrite1hPrice';
import { KeepFeedbackOfDeletedClients1764418300000 } from '../../migrations/1764418300000-KeepFeedbackOfDeletedClients';

/**
 * Every migration, in order. Listed explicitly (rather than globbed) so the
 * app, the CLI and the tests load the same classes whether compiled or not.
 */
export const MIGRATIONS = [
  CreateCoreSchema1764417600000,
  CreateGenerationLog1764417600001,
  CreateCostRollups1764417600002,
  CreateBudgetCounters1764417700000,
  SeedSystemTemplates1764417900000,
  FoldCostRollups1764418000000,
  DropLogIdIndex1764418100000,
  AddCacheWrite1hPrice1764418200000,
  KeepFeedbackOfDeletedClients1764418300000,
];
