import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const RULE_ERRORS = {
  'rule.not_found': { kind: 'not_found', meaning: 'No rule of this brand has that id' },
  'rule.version_not_found': { kind: 'not_found', meaning: 'The rule has no version of that number' },
  'rule.archived': { kind: 'conflict', meaning: 'The rule is archived: it can no longer be edited or activated' },
} as const satisfies ErrorCatalogue<string>;

export type RuleErrorCode = keyof typeof RULE_ERRORS;
const ruleError = errorsOf<RuleErrorCode>(RULE_ERRORS);

export const RuleErrors = {
  notFound: (id: string) => ruleError('rule.not_found', `No rule ${id}`),
  versionNotFound: (id: string, version: number) =>
    ruleError('rule.version_not_found', `Rule ${id} has no version ${version}`),
  archived: (id: string) =>
    ruleError('rule.archived', `Rule ${id} is archived: it can no longer be edited or activated`),
};
