import { DomainError } from '../common/errors/domain-error.js';

export const JobErrors = {
  notFound: (name: string, known: string[]) =>
    new DomainError('not_found', 'job.not_found', `No job ${name} (jobs: ${known.join(', ')})`),
};
