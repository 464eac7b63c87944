import type { RuleVersion } from '../rule-version.entity.js';
import type { RuleVersionView } from './rule.dto.js';

export function toRuleVersionView(version: RuleVersion): RuleVersionView {
  return {
    ruleId: version.ruleId,
    version: version.version,
    definition: version.definition,
    changedBy: version.changedBy,
    createdAt: version.createdAt.toISOString(),
  };
}
