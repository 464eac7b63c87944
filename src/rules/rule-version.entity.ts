import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RuleDefinition } from './engine/index.js';

/** Every version a rule ever had: ledger entries point at the version that fired. */
@Entity({ name: 'rule_versions' })
export class RuleVersion {
  @PrimaryColumn('uuid', { name: 'brand_id' })
  brandId: string;

  @PrimaryColumn('uuid', { name: 'rule_id' })
  ruleId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('jsonb')
  definition: RuleDefinition;

  /** `key:<apiKeyId>` for API writes, or the name of the process that wrote it. */
  @Column('text', { name: 'changed_by' })
  changedBy: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
