import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const HEALTH_ERRORS = {
  'health.database_down': { kind: 'unavailable', meaning: '`/ready`: the database does not answer' },
  'health.migrations_pending': { kind: 'unavailable', meaning: '`/ready`: migrations are pending' },
} as const satisfies ErrorCatalogue<string>;

export type HealthErrorCode = keyof typeof HEALTH_ERRORS;
const healthError = errorsOf<HealthErrorCode>(HEALTH_ERRORS);

export const HealthErrors = {
  databaseDown: () => healthError('health.database_down', 'The database does not answer'),
  migrationsPending: () => healthError('health.migrations_pending', 'Migrations are pending'),
};
