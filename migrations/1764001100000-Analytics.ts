import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Journey analytics. Events carry the member's stage when they came in (touchpoints per stage),
 * and the windows the analytics read get their own indexes: events by when they occurred (the
 * retention, activity and feedback scans read only the index: type and member ride along),
 * stage history and ledger entries by when they were written.
 */
export class Analytics1764001100000 implements MigrationInterface {
  name = 'Analytics1764001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN stage text`);
    await q.query(`CREATE INDEX events_occurred ON events (brand_id, occurred_at) INCLUDE (type, member_id)`);
    await q.query(`CREATE INDEX stage_changes_created ON stage_changes (brand_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX stage_changes_created`);
    await q.query(`DROP INDEX events_occurred`);
    await q.query(`ALTER TABLE events DROP COLUMN stage`);
  }
}
