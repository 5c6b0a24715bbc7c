import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A named template (`prompt_templates`); owner null = a system template. Name unique per owner. */
@Entity('prompt_templates')
export class PromptTemplate {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('uuid', { name: 'owner_client_id', nullable: true }) ownerClientId!: string | null;
  @Column('text', { name: 'template_type', default: 'text' }) templateType!: string;
  @Column('text', { nullable: true }) description!: string | null;
  /** the version served when a request names none and no label applies */
  @Column('integer', { name: 'active_version', default: 1 }) activeVersion!: number;
  /** A/B weights over versions: {"1": 70, "2": 30}; null = no test running */
  @Column('jsonb', { name: 'ab_weights', nullable: true }) abWeights!: Record<string, number> | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
