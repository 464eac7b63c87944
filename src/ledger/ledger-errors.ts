import { DomainError } from '../common/errors/domain-error.js';

export const LedgerErrors = {
  insufficientPoints: (available: number, asked: number) =>
    new DomainError(
      'conflict',
      'ledger.insufficient_points',
      `The member has ${available} available points; cannot debit ${-asked}`,
    ),
};
