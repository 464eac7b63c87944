import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const JOB_ERRORS = {
  'job.not_found': { kind: 'not_found', meaning: 'No scheduled job has that name' },
} as const satisfies ErrorCatalogue<string>;

export type JobErrorCode = keyof typeof JOB_ERRORS;
const jobError = errorsOf<JobErrorCode>(JOB_ERRORS);

export const JobErrors = {
  notFound: (name: string, known: string[]) => jobError('job.not_found', `No job ${name} (jobs: ${known.join(', ')})`),
};
