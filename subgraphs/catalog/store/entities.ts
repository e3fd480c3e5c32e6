import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('sku')
export class SkuRow {
  @PrimaryColumn({ type: 'varchar', length: 100 }) code!: string;
  @Column({ type: 'varchar', length: 500 }) title!: string;
  @Column({ name: 'created_at', type: 'varchar', length: 30 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}

@Entity('sku_component')
@Index(['componentCode'])
export class SkuComponentRow {
  @PrimaryColumn({ name: 'sku_code', type: 'varchar', length: 100 }) skuCode!: string;
  @PrimaryColumn({ name: 'component_code', type: 'varchar', length: 100 }) componentCode!: string;
  @Column({ type: 'integer' }) quantity!: number;
}

/** The catalog's copy of channels, fed by inventory's channel events. */
@Entity('channel_ref')
export class ChannelRefRow {
  @PrimaryColumn({ type: 'varchar', length: 100 }) code!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
}

@Entity('listing')
@Index(['skuCode'])
export class ListingRow {
  @PrimaryColumn({ name: 'channel_code', type: 'varchar', length: 100 }) channelCode!: string;
  @PrimaryColumn({ name: 'external_id', type: 'varchar', length: 200 }) externalId!: string;
  @Column({ name: 'sku_code', type: 'varchar', length: 100 }) skuCode!: string;
  @Column({ name: 'units_per_listing', type: 'integer' }) unitsPerListing!: number;
  @Column({ name: 'updated_at', type: 'varchar', length: 30 }) updatedAt!: string;
}
