import type { JobRun } from '../job.js';
import type { JobRunView } from './job-run.dto.js';

export function toJobRunView(run: JobRun): JobRunView {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    asOf: run.asOf.toISOString(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    processed: run.processed,
    error: run.error,
  };
}
