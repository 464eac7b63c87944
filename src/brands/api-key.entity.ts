import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A brand's secret key. Only its SHA-256 is kept; `keyPrefix` lets a person tell keys apart. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn('uuid', { name: 'brand_id' })
  brandId: string;

  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'key_hash' })
  keyHash: string;

  @Column('text', { name: 'key_prefix' })
  keyPrefix: string;

  @Column('text')
  name: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
