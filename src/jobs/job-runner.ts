import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId } from '../common/ids.js';
import { Clock } from './clock.js';
import type { Job, JobRun, JobStatus, Processed } from './job.js';
import { JobRunsRepository } from './job-runs.repository.js';

/**
 * Runs a job under its advisory lock and records the run. The lock is a session lock on a
 * connection of its own, held for the whole run while the job's transactions use others; an
 * instance that does not get it records a skipped run and leaves the work to the holder. A
 * crashed instance's lock goes with its connection.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly db: DataSource,
    private readonly runs: JobRunsRepository,
    private readonly clock: Clock,
  ) {}

  async run(job: Job, asOf: Date = this.clock.now()): Promise<JobRun> {
    const startedAt = new Date();
    const processed: Processed = {};
    const session = this.db.createQueryRunner();
    await session.connect();
    try {
      if (!(await this.runs.tryLock(session.manager, job.lockKey))) {
        return await this.record(job, 'skipped', asOf, startedAt, processed, null);
      }
      try {
        await job.run(asOf, processed);
        return await this.record(job, 'ok', asOf, startedAt, processed, null);
      } catch (e) {
        this.logger.error({ msg: 'job failed', job: job.name, err: e, processed });
        return await this.record(job, 'failed', asOf, startedAt, processed, e instanceof Error ? e.message : String(e));
      } finally {
        await this.runs.unlock(session.manager, job.lockKey);
      }
    } finally {
      await session.release();
    }
  }

  private async record(
    job: Job,
    status: JobStatus,
    asOf: Date,
    startedAt: Date,
    processed: Processed,
    error: string | null,
  ): Promise<JobRun> {
    const run: JobRun = {
      id: newId(),
      name: job.name,
      status,
      asOf,
      startedAt,
      finishedAt: new Date(),
      processed,
      error,
    };
    await this.runs.insert(this.db.manager, run);
    if (status !== 'skipped') {
      this.logger.log({
        msg: `job ${status}`,
        job: job.name,
        processed,
        ms: run.finishedAt.getTime() - startedAt.getTime(),
      });
    }
    return run;
  }
}
