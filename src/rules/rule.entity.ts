import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RuleDefinition, RuleStatus } from './engine/index.js';

/** bigint arrives from pg as a string; budgets stay far below 2^53, so a number is exact. */
const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? 0 : Number(value)),
};

/**
 * A rule's current version. `name`, `event_type` and `status` repeat fields of `definition`
 * so that lists filter on columns; every write sets them together.
 */
@Entity({ name: 'rules' })
export class Rule {
  @PrimaryColumn('uuid', { name: 'brand_id' })
  brandId: string;

  @PrimaryColumn('uuid')
  id: string;

  @Column('integer')
  version: number;

  @Column('text')
  name: string;

  @Column('text', { name: 'event_type' })
  eventType: string;

  @Column('text')
  status: RuleStatus;

  @Column('jsonb')
  definition: RuleDefinition;

  /** Points given under `limits.budgetPoints`; the events pipeline counts them. */
  @Column('bigint', { name: 'budget_spent', transformer: bigintAsNumber })
  budgetSpent: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
