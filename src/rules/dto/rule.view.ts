import type { Rule } from '../rule.entity.js';
import type { RuleView } from './rule.dto.js';

export function toRuleView(rule: Rule): RuleView {
  return {
    id: rule.id,
    version: rule.version,
    ...rule.definition,
    budgetSpent: rule.budgetSpent,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
