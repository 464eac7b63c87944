import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled jobs: their run records, and the index that finds pending points come due.
 * job_runs belongs to no brand (a run visits them all), so its key is its own id.
 */
export class Jobs1764000400000 implements MigrationInterface {
  name = 'Jobs1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_runs (
        id           uuid PRIMARY KEY,
        name         text NOT NULL,
        -- skipped: another instance held the job's advisory lock
        status       text NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
        -- the time the job ran as: now, or the instant an operator ran it "as if at"
        as_of        timestamptz NOT NULL,
        started_at   timestamptz NOT NULL,
        finished_at  timestamptz NOT NULL,
        processed    jsonb NOT NULL DEFAULT '{}',
        error        text,
        CHECK (finished_at >= started_at)
      )`);
    // ids are time-ordered: newest first per job is a backward scan of this index
    await q.query(`CREATE INDEX job_runs_name ON job_runs (name, id)`);

    // Only pending entries, in member order per brand: maturing walks it in keyset pages of members.
    await q.query(
      `CREATE INDEX ledger_entries_pending ON ledger_entries (brand_id, member_id, available_at) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_entries_pending`);
    await q.query(`DROP TABLE job_runs`);
  }
}
