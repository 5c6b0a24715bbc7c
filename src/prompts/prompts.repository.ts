import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { PromptLabel } from './prompt-label.entity';
import { PromptTemplate } from './prompt-template.entity';
import { PromptVersion, TemplateVariable } from './prompt-version.entity';

export interface VersionFields {
  systemPrompt: string | null;
  body: string;
  variables: TemplateVariable[];
  provider: string | null;
  model: string | null;
  params: Record<string, unknown>;
  note: string | null;
}

export interface TemplateFields {
  name: string;
  ownerClientId: string | null;
  templateType: string;
  description: string | null;
}

export interface TemplateListFilter {
  /** client view: own templates plus the system ones it does not shadow */
  visibleTo?: string;
  /** admin filters */
  ownerClientId?: string;
  system?: boolean;
  /** keyset: strictly after (name, id) */
  after?: { name: string; id: string };
  limit: number;
}

/** The transaction a unit of work runs in: services hand it back to the repository's methods, never query through it. */
export type PromptsTransaction = EntityManager;

/** Labels every template has from version 1 on. */
export const DEFAULT_LABELS = ['production', 'latest'] as const;

/** Reads and writes of prompt_templates, prompt_versions and prompt_labels. */
@Injectable()
export class PromptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: PromptsTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The client's own template of that name, else the system one. */
  findVisibleByName(clientId: string, name: string): Promise<PromptTemplate | null> {
    return this.dataSource
      .getRepository(PromptTemplate)
      .createQueryBuilder('t')
      .where('t.name = :name', { name })
      .andWhere('(t.owner_client_id = :clientId OR t.owner_client_id IS NULL)', { clientId })
      .orderBy('t.owner_client_id', 'ASC', 'NULLS LAST')
      .limit(1)
      .getOne();
  }

  /** In `m` when given: a transaction reads what it has written, not what others committed since. */
  findById(id: string, m: EntityManager = this.dataSource.manager): Promise<PromptTemplate | null> {
    return m.getRepository(PromptTemplate).findOneBy({ id });
  }

  findSystemByName(name: string): Promise<PromptTemplate | null> {
    return this.dataSource.getRepository(PromptTemplate).findOneBy({ name, ownerClientId: IsNull() });
  }

  list(filter: TemplateListFilter): Promise<PromptTemplate[]> {
    const qb = this.dataSource.getRepository(PromptTemplate).createQueryBuilder('t');
    if (filter.visibleTo !== undefined) {
      qb.andWhere(
        `(t.owner_client_id = :client OR (t.owner_client_id IS NULL AND NOT EXISTS (
           SELECT 1 FROM prompt_templates o WHERE o.owner_client_id = :client AND o.name = t.name)))`,
        { client: filter.visibleTo },
      );
    }
    if (filter.ownerClientId !== undefined) qb.andWhere('t.owner_client_id = :owner', { owner: filter.ownerClientId });
    if (filter.system === true) qb.andWhere('t.owner_client_id IS NULL');
    if (filter.system === false) qb.andWhere('t.owner_client_id IS NOT NULL');
    if (filter.after) qb.andWhere('(t.name, t.id) > (:afterName, :afterId)', { afterName: filter.after.name, afterId: filter.after.id });
    return qb.orderBy('t.name', 'ASC').addOrderBy('t.id', 'ASC').limit(filter.limit).getMany();
  }

  versionsOf(templateId: string, m: EntityManager = this.dataSource.manager): Promise<PromptVersion[]> {
    return m.getRepository(PromptVersion).find({ where: { templateId }, order: { version: 'ASC' } });
  }

  labelsOf(templateIds: string[], m: EntityManager = this.dataSource.manager): Promise<PromptLabel[]> {
    if (templateIds.length === 0) return Promise.resolve([]);
    return m.getRepository(PromptLabel).find({ where: { templateId: In(templateIds) }, order: { label: 'ASC' } });
  }

  async latestVersionNumbers(templateIds: string[]): Promise<Map<string, number>> {
    if (templateIds.length === 0) return new Map();
    const rows: { template_id: string; latest: number }[] = await this.dataSource.query(
      `SELECT template_id, max(version)::int AS latest FROM prompt_versions WHERE template_id = ANY($1::uuid[]) GROUP BY template_id`,
      [templateIds],
    );
    return new Map(rows.map((r) => [r.template_id, r.latest]));
  }

  /** Inserts the template, its version 1 and the default labels pointing at it. */
  async insertTemplate(m: EntityManager, fields: TemplateFields, version: VersionFields, protectProduction: boolean): Promise<PromptTemplate> {
    const template = await m.getRepository(PromptTemplate).save(m.getRepository(PromptTemplate).create({ ...fields, activeVersion: 1, abWeights: null }));
    await this.insertVersion(m, template.id, 1, version);
    await m.getRepository(PromptLabel).insert(
      DEFAULT_LABELS.map((label) => ({
        templateId: template.id,
        label,
        version: 1,
        weights: null,
        isProtected: protectProduction && label === 'production',
      })),
    );
    return template;
  }

  /** Locks the template row so concurrent version inserts number one after another. */
  lockTemplate(m: EntityManager, id: string): Promise<PromptTemplate | null> {
    return m.getRepository(PromptTemplate).createQueryBuilder('t').setLock('pessimistic_write').where('t.id = :id', { id }).getOne();
  }

  /** The highest-numbered version (call after lockTemplate, so it is the one the next version follows). */
  latestVersion(m: EntityManager, templateId: string): Promise<PromptVersion | null> {
    return m.getRepository(PromptVersion).findOne({ where: { templateId }, order: { version: 'DESC' } });
  }

  async insertNextVersion(m: EntityManager, templateId: string, fields: VersionFields): Promise<number> {
    const [{ next }]: { next: number }[] = await m.query(`SELECT coalesce(max(version), 0)::int + 1 AS next FROM prompt_versions WHERE template_id = $1`, [
      templateId,
    ]);
    await this.insertVersion(m, templateId, next, fields);
    return next;
  }

  private async insertVersion(m: EntityManager, templateId: string, version: number, f: VersionFields): Promise<void> {
    await m.query(
      `INSERT INTO prompt_versions (template_id, version, system_prompt, body, variables, provider, model, params, note)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::jsonb, $9)`,
      [templateId, version, f.systemPrompt, f.body, JSON.stringify(f.variables), f.provider, f.model, JSON.stringify(f.params), f.note],
    );
  }

  async versionNumbers(m: EntityManager, templateId: string): Promise<Set<number>> {
    const rows: { version: number }[] = await m.query(`SELECT version FROM prompt_versions WHERE template_id = $1`, [templateId]);
    return new Set(rows.map((r) => r.version));
  }

  labelsIn(m: EntityManager, templateId: string): Promise<PromptLabel[]> {
    return m.getRepository(PromptLabel).findBy({ templateId });
  }

  /** Points a label at one version or at weights; keeps its protection unless told. */
  async upsertLabel(
    m: EntityManager,
    templateId: string,
    label: string,
    target: { version: number | null; weights: Record<string, number> | null },
    isProtected?: boolean,
  ): Promise<void> {
    await m.query(
      `INSERT INTO prompt_labels (template_id, label, version, weights, is_protected, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, coalesce($5, false), now())
       ON CONFLICT (template_id, label) DO UPDATE
       SET version = EXCLUDED.version, weights = EXCLUDED.weights, updated_at = now(),
           is_protected = coalesce($5, prompt_labels.is_protected)`,
      [templateId, label, target.version, target.weights === null ? null : JSON.stringify(target.weights), isProtected ?? null],
    );
  }

  /** False when the template has no such label. */
  async setLabelProtection(m: EntityManager, templateId: string, label: string, isProtected: boolean): Promise<boolean> {
    const [, affected]: [unknown, number] = await m.query(
      `UPDATE prompt_labels SET is_protected = $3, updated_at = now() WHERE template_id = $1 AND label = $2`,
      [templateId, label, isProtected],
    );
    return affected > 0;
  }

  async deleteLabel(m: EntityManager, templateId: string, label: string): Promise<void> {
    await m.getRepository(PromptLabel).delete({ templateId, label });
  }

  async updateTemplate(
    m: EntityManager,
    id: string,
    patch: { description?: string | null; templateType?: string; abWeights?: Record<string, number> | null; activeVersion?: number },
  ): Promise<void> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    const add = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.description !== undefined) add('description', patch.description);
    if (patch.templateType !== undefined) add('template_type', patch.templateType);
    if (patch.abWeights !== undefined) add('ab_weights', patch.abWeights === null ? null : JSON.stringify(patch.abWeights), '::jsonb');
    if (patch.activeVersion !== undefined) add('active_version', patch.activeVersion);
    await m.query(`UPDATE prompt_templates SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async deleteTemplate(m: EntityManager, id: string): Promise<void> {
    await m.getRepository(PromptTemplate).delete({ id });
  }
}
