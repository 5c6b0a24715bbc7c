import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Provider settings edited in the console (`providers`); they override the environment. */
@Entity('providers')
export class ProviderSetting {
  @PrimaryColumn('text') name!: string;
  @Column('boolean', { nullable: true }) enabled!: boolean | null;
  /** AES-256-GCM with LLMHUB_SECRET: base64 of iv | tag | ciphertext; never returned by any endpoint */
  @Column('text', { name: 'api_key_encrypted', nullable: true }) apiKeyEncrypted!: string | null;
  @Column('text', { name: 'base_url', nullable: true }) baseUrl!: string | null;
  @Column('integer', { name: 'timeout_ms', nullable: true }) timeoutMs!: number | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
