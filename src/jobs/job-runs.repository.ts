import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { JobRun } from './job.js';

/** Run records (job_runs, global: a run belongs to no brand) and the jobs' advisory locks. */
@Injectable()
export class JobRunsRepository {
  /**
   * A session lock: `em` must be a dedicated connection's (a QueryRunner's manager), held for
   * the whole run and unlocked before that connection goes back to the pool.
   */
  async tryLock(em: EntityManager, key: number): Promise<boolean> {
    const rows = await queryRows<{ locked: boolean }>(em, `SELECT pg_try_advisory_lock($1::bigint) AS locked`, [key]);
    return rows[0].locked === true;
  }

  async unlock(em: EntityManager, key: number): Promise<void> {
    await em.query(`SELECT pg_advisory_unlock($1::bigint)`, [key]);
  }

  async insert(em: EntityManager, run: JobRun): Promise<void> {
    await em.query(
      `INSERT INTO job_runs (id, name, status, as_of, started_at, finished_at, processed, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      [run.id, run.name, run.status, run.asOf, run.startedAt, run.finishedAt, JSON.stringify(run.processed), run.error],
    );
  }

  /** Newest first (ids are time-ordered); the cursor is the last id of the previous page. */
  async list(em: EntityManager, f: { name?: string; cursor?: string; limit: number }): Promise<JobRun[]> {
    const rows = await queryRows(
      em,
      `SELECT id, name, status, as_of, started_at, finished_at, processed, error FROM job_runs
        WHERE ($1::text IS NULL OR name = $1) AND ($2::uuid IS NULL OR id < $2::uuid)
        ORDER BY id DESC LIMIT $3`,
      [f.name ?? null, f.cursor ?? null, f.limit + 1],
    );
    return rows.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      status: r.status as JobRun['status'],
      asOf: r.as_of as Date,
      startedAt: r.started_at as Date,
      finishedAt: r.finished_at as Date,
      processed: r.processed as JobRun['processed'],
      error: (r.error as string | null) ?? null,
    }));
  }
}
