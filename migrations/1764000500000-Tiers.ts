import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tier history: every upgrade (in the event transaction) and downgrade (by the nightly job). */
export class Tiers1764000500000 implements MigrationInterface {
  name = 'Tiers1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tier_changes (
        brand_id    uuid NOT NULL,
        id          uuid NOT NULL,
        member_id   uuid NOT NULL,
        from_tier   text,
        to_tier     text,
        event_id    uuid,
        cause       text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id)
      )`);
    await q.query(`CREATE INDEX tier_changes_member ON tier_changes (brand_id, member_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tier_changes`);
  }
}
