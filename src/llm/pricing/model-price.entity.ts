import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A price edited in the console (`model_prices`), layered over the shipped table. USD per million tokens. */
@Entity('model_prices')
export class ModelPriceOverride {
  @PrimaryColumn('text') model!: string;
  @Column('numeric', { name: 'input_per_m', precision: 18, scale: 6 }) inputPerM!: string;
  @Column('numeric', { name: 'output_per_m', precision: 18, scale: 6 }) outputPerM!: string;
  @Column('numeric', { name: 'cached_input_per_m', precision: 18, scale: 6, nullable: true }) cachedInputPerM!: string | null;
  @Column('numeric', { name: 'cache_write_per_m', precision: 18, scale: 6, nullable: true }) cacheWritePerM!: string | null;
  @Column('numeric', { name: 'cache_write_1h_per_m', precision: 18, scale: 6, nullable: true }) cacheWrite1hPerM!: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
