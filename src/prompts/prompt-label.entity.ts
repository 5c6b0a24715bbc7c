import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A named pointer at a version (`prompt_labels`): `production`, `latest` or custom.
 * It may instead carry weights over several versions (an A/B test behind one label).
 */
@Entity('prompt_labels')
export class PromptLabel {
  @PrimaryColumn('uuid', { name: 'template_id' }) templateId!: string;
  @PrimaryColumn('text') label!: string;
  @Column('integer', { nullable: true }) version!: number | null;
  @Column('jsonb', { nullable: true }) weights!: Record<string, number> | null;
  /** a protected label moves only by an admin */
  @Column('boolean', { name: 'is_protected', default: false }) isProtected!: boolean;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
