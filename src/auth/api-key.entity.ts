import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiClient } from './api-client.entity';

/** A client's API key (`api_keys`): only its SHA-256 hash and a short display prefix are stored. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Index() @Column('uuid', { name: 'client_id' }) clientId!: string;
  @ManyToOne(() => ApiClient, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'client_id' }) client?: ApiClient;
  @Column('text') name!: string;
  @Column('bytea', { name: 'key_hash', unique: true }) keyHash!: Buffer;
  @Column('text') prefix!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
  /** the key this one replaced by rotation */
  @Column('uuid', { name: 'rotated_from_id', nullable: true }) rotatedFromId!: string | null;
  /** a key may narrow its client's allow-list and limits */
  @Column('text', { name: 'allowed_models', array: true, nullable: true }) allowedModels!: string[] | null;
  @Column('integer', { name: 'rate_limit_rpm', nullable: true }) rateLimitRpm!: number | null;
  @Column('integer', { name: 'rate_limit_tpm', nullable: true }) rateLimitTpm!: number | null;
}
