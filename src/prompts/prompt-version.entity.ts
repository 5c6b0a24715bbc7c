import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface TemplateVariable {
  name: string;
  required: boolean;
  default?: string | null;
  description?: string | null;
}

/** An immutable numbered version of a template (`prompt_versions`). */
@Entity('prompt_versions')
export class PromptVersion {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'template_id' }) templateId!: string;
  @Column('integer') version!: number;
  @Column('text', { name: 'system_prompt', nullable: true }) systemPrompt!: string | null;
  @Column('text') body!: string;
  @Column('jsonb', { default: () => `'[]'::jsonb` }) variables!: TemplateVariable[];
  @Column('text', { nullable: true }) provider!: string | null;
  @Column('text', { nullable: true }) model!: string | null;
  @Column('jsonb', { default: () => `'{}'::jsonb` }) params!: Record<string, unknown>;
  @Column('text', { nullable: true }) note!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
