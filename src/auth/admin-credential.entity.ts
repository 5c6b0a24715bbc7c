import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The generated admin token (when ADMIN_TOKEN is not set), stored only as a hash. */
@Entity('admin_credentials')
export class AdminCredential {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('bytea', { name: 'token_hash' }) tokenHash!: Buffer;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A console session: the cookie holds a random id, the table its hash. */
@Entity('admin_sessions')
export class AdminSession {
  @PrimaryColumn('bytea', { name: 'id_hash' }) idHash!: Buffer;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
}
