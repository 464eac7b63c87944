import { type ErrorCatalogue, type FieldError, errorsOf } from '../common/errors/domain-error.js';
import { MAX_WINDOW_DAYS } from './analytics-window.js';

export const ANALYTICS_ERRORS = {
  'analytics.invalid_window': {
    kind: 'invalid',
    meaning: `The window is not a date or date-time, \`from\` is after \`to\`, or it spans over ${MAX_WINDOW_DAYS} days; \`details\` names the parameter`,
  },
} as const satisfies ErrorCatalogue<string>;

export type AnalyticsErrorCode = keyof typeof ANALYTICS_ERRORS;
const analyticsError = errorsOf<AnalyticsErrorCode>(ANALYTICS_ERRORS);

export const AnalyticsErrors = {
  invalidWindow: (details: FieldError[]) =>
    analyticsError('analytics.invalid_window', details.map((d) => `${d.path}: ${d.message}`).join('; '), details),
};
