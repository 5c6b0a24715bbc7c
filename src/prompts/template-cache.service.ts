import { Injectable, Logger } from '@nestjs/common';
import { PromptLabel } from './prompt-label.entity';
import { PromptTemplate } from './prompt-template.entity';
import { PromptVersion } from './prompt-version.entity';
import { PromptsRepository } from './prompts.repository';
import { ThrottledWarning } from '../common/logging/throttled-warning';
import { splitVariables, SplitVariables } from './arm-variables';

/** Everything needed to pick and render a version of one template. */
export interface TemplateSnapshot {
  template: PromptTemplate;
  versions: ReadonlyMap<number, PromptVersion>;
  labels: ReadonlyMap<string, PromptLabel>;
  /**
   * The variables of the splits whose arms declare or need different variables (null, or no entry: the
   * arms agree): a call they route is checked against all their arms (see resolveValues).
   */
  abSplit: SplitVariables | null;
  /** by label name */
  labelSplits: ReadonlyMap<string, SplitVariables>;
}

/** A snapshot of a template as read, with its splits' variables worked out once (not per call). */
export function templateSnapshot(template: PromptTemplate, versions: readonly PromptVersion[], labels: readonly PromptLabel[]): TemplateSnapshot {
  const variablesOf = new Map(versions.map((v) => [v.version, v.variables]));
  const labelSplits = new Map<string, SplitVariables>();
  for (const { label, weights } of labels) {
    const split = weights && splitVariables(weights, variablesOf, `label_weights.${label}`);
    if (split) labelSplits.set(label, split);
  }
  return {
    template,
    versions: new Map(versions.map((v) => [v.version, v])),
    labels: new Map(labels.map((l) => [l.label, l])),
    abSplit: template.abWeights && splitVariables(template.abWeights, variablesOf, 'ab_weights'),
    labelSplits,
  };
}

/** How long a template read stays in memory; other instances' writes show up within this. */
export const TEMPLATE_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  expiresAt: number;
  value: Promise<TemplateSnapshot | null>;
  /** what the load gave, once it has (null: no such template) */
  loaded?: TemplateSnapshot | null;
}

/**
 * A short in-memory cache of template snapshots keyed by (client, name), so
 * generations naming a template cost no database round trip on the hot path.
 * Local writes clear it at once. Concurrent misses share one load. While the
 * database is unreachable an expired snapshot keeps being served, as API keys
 * are, so template generations go on working (their usage goes to the spool).
 */
@Injectable()
export class TemplateCache {
  private readonly logger = new Logger(TemplateCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly staleWarning = new ThrottledWarning(this.logger, 'Database unreachable for template reads; serving cached templates');

  constructor(private readonly repository: PromptsRepository) {}

  visible(clientId: string, name: string): Promise<TemplateSnapshot | null> {
    const key = `${clientId}\u0000${name}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const stale = hit?.loaded;
    const entry: Entry = { expiresAt: now + TEMPLATE_CACHE_TTL_MS, value: Promise.resolve(null) };
    entry.value = this.load(clientId, name).then(
      (snapshot) => (entry.loaded = snapshot),
      (error: unknown) => {
        if (stale === undefined) {
          // a failed load must not be served for the whole TTL
          if (this.entries.get(key) === entry) this.entries.delete(key);
          throw error;
        }
        this.staleWarning.warn(error, now);
        return (entry.loaded = stale);
      },
    );
    this.entries.set(key, entry);
    return entry.value;
  }

  invalidate(): void {
    this.entries.clear();
  }

  async load(clientId: string, name: string): Promise<TemplateSnapshot | null> {
    const template = await this.repository.findVisibleByName(clientId, name);
    return template ? this.snapshotOf(template) : null;
  }

  /**
   * Versions are read last: they are only ever added, and a label or weight can only point at one
   * that exists, so whatever a publish commits meanwhile, every version the snapshot refers to is in it.
   */
  async snapshotOf(template: PromptTemplate): Promise<TemplateSnapshot> {
    const labels = await this.repository.labelsOf([template.id]);
    const versions = await this.repository.versionsOf(template.id);
    return templateSnapshot(template, versions, labels);
  }
}
