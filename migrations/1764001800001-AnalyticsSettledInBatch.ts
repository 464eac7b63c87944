import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rollup job now gives each purchase and move its settled columns (next_at, first_at;
 * prev_same_at, next_higher_at) in the batch that rolls it up, instead of inserting it dirty and
 * rewriting it after the batches: the dirty flags and their indexes go (each rewrite was a second
 * row version and index entries in every index), and readers no longer order members with dirty
 * rows live. Rows a pass left dirty are settled here first, as the job settled them; nothing is
 * rebuilt. A member's purchases are read by (occurred_at, id) from a point on: the id joins the index.
 */
export class AnalyticsSettledInBatch1764001800001 implements MigrationInterface {
  name = 'AnalyticsSettledInBatch1764001800001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE analytics_purchases p SET next_at = x.next_at, first_at = x.first_at FROM (
        SELECT brand_id, occurred_at, id,
               lead(occurred_at) OVER (PARTITION BY brand_id, member_id ORDER BY occurred_at, id) AS next_at,
               min(occurred_at) OVER (PARTITION BY brand_id, member_id) AS first_at
          FROM analytics_purchases
         WHERE (brand_id, member_id) IN (SELECT brand_id, member_id FROM analytics_purchases WHERE dirty)
      ) x
      WHERE p.brand_id = x.brand_id AND p.occurred_at = x.occurred_at AND p.id = x.id`);
    // ranked by the stage order the brand's moves were rolled up with
    await q.query(`
      UPDATE analytics_moves p SET prev_same_at = x.prev_same_at, next_higher_at = x.next_higher_at FROM (
        SELECT p.brand_id, p.created_at, p.id,
               (SELECT max(q.created_at) FROM analytics_moves q
                 WHERE q.brand_id = p.brand_id AND q.member_id = p.member_id AND q.to_stage = p.to_stage
                   AND (q.created_at, q.id) < (p.created_at, p.id)) AS prev_same_at,
               (SELECT min(q.created_at) FROM analytics_moves q
                 WHERE q.brand_id = p.brand_id AND q.member_id = p.member_id
                   AND (q.created_at, q.id) > (p.created_at, p.id)
                   AND array_position(m.stages, q.to_stage) > array_position(m.stages, p.to_stage)) AS next_higher_at
          FROM analytics_moves p JOIN analytics_marks m USING (brand_id)
         WHERE (p.brand_id, p.member_id) IN (SELECT brand_id, member_id FROM analytics_moves WHERE dirty)
      ) x
      WHERE p.brand_id = x.brand_id AND p.created_at = x.created_at AND p.id = x.id`);
    await q.query(`DROP INDEX analytics_purchases_dirty`);
    await q.query(`DROP INDEX analytics_moves_dirty`);
    await q.query(`ALTER TABLE analytics_purchases DROP COLUMN dirty`);
    await q.query(`ALTER TABLE analytics_moves DROP COLUMN dirty`);
    await q.query(`DROP INDEX analytics_purchases_member`);
    await q.query(
      `CREATE INDEX analytics_purchases_member ON analytics_purchases (brand_id, member_id, occurred_at, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX analytics_purchases_member`);
    await q.query(`CREATE INDEX analytics_purchases_member ON analytics_purchases (brand_id, member_id, occurred_at)`);
    await q.query(`ALTER TABLE analytics_moves ADD COLUMN dirty boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE analytics_purchases ADD COLUMN dirty boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE analytics_moves ALTER COLUMN dirty SET DEFAULT true`);
    await q.query(`ALTER TABLE analytics_purchases ALTER COLUMN dirty SET DEFAULT true`);
    await q.query(`CREATE INDEX analytics_moves_dirty ON analytics_moves (brand_id, member_id) WHERE dirty`);
    await q.query(`CREATE INDEX analytics_purchases_dirty ON analytics_purchases (brand_id, member_id) WHERE dirty`);
  }
}
