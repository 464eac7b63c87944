import { DomainError } from '../common/errors/domain-error.js';

export const RuleErrors = {
  notFound: (id: string) => new DomainError('not_found', 'rule.not_found', `No rule ${id}`),
  versionNotFound: (id: string, version: number) =>
    new DomainError('not_found', 'rule.version_not_found', `Rule ${id} has no version ${version}`),
  archived: (id: string) =>
    new DomainError('conflict', 'rule.archived', `Rule ${id} is archived: it can no longer be edited or activated`),
};
