import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JourneyStage } from '../journey/stages.js';
import type { BrandSettings } from './brand-settings.js';

@Entity({ name: 'brands' })
export class Brand {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('jsonb')
  settings: Partial<BrandSettings>;

  @Column('jsonb')
  stages: JourneyStage[];

  @Column('integer', { name: 'rules_version' })
  rulesVersion: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
