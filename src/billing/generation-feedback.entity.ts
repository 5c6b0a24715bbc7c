import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A caller's verdict on one of its generations (`generation_feedback`); the latest one wins. */
@Entity('generation_feedback')
export class GenerationFeedback {
  @PrimaryColumn('uuid', { name: 'request_id' }) requestId!: string;
  @Column('uuid', { name: 'client_id' }) clientId!: string;
  @Column('boolean') success!: boolean;
  @Column('numeric', { precision: 6, scale: 3, nullable: true }) score!: string | null;
  @Column('text', { nullable: true }) comment!: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
