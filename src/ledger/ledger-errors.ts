import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const LEDGER_ERRORS = {
  'ledger.insufficient_points': {
    kind: 'conflict',
    meaning: 'A manual debit is larger than the available (not pending) points',
  },
} as const satisfies ErrorCatalogue<string>;

export type LedgerErrorCode = keyof typeof LEDGER_ERRORS;
const ledgerError = errorsOf<LedgerErrorCode>(LEDGER_ERRORS);

export const LedgerErrors = {
  insufficientPoints: (available: number, asked: number) =>
    ledgerError('ledger.insufficient_points', `The member has ${available} available points; cannot debit ${-asked}`),
};
