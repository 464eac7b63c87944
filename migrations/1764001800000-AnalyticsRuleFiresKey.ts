import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rule fires keyed by their (rule, member) pair first: the rollup job reads a pair's last
 * fires and the rules figures look fires up by pair, so the primary key serves both and the
 * second index on (brand_id, rule_id, member_id, day) goes (one index less on every fire the job
 * writes). The long-gap index keeps only fires on a later day than their fire before: a gap of 0
 * days is never longer than a window, and repeat fires on one day are most of a busy brand's.
 * Rebuilt in place: the rows and their prev_day stay as they are.
 */
export class AnalyticsRuleFiresKey1764001800000 implements MigrationInterface {
  name = 'AnalyticsRuleFiresKey1764001800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE analytics_rule_fires DROP CONSTRAINT analytics_rule_fires_pkey`);
    await q.query(`ALTER TABLE analytics_rule_fires ADD PRIMARY KEY (brand_id, rule_id, member_id, day, fire_key)`);
    await q.query(`DROP INDEX analytics_rule_fires_member`);
    await q.query(`DROP INDEX analytics_rule_fires_gap`);
    await q.query(`
      CREATE INDEX analytics_rule_fires_gap ON analytics_rule_fires (brand_id, (day - prev_day))
        INCLUDE (rule_id, day, prev_day) WHERE day > prev_day`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX analytics_rule_fires_gap`);
    await q.query(`
      CREATE INDEX analytics_rule_fires_gap ON analytics_rule_fires (brand_id, (day - prev_day))
        INCLUDE (rule_id, day, prev_day) WHERE prev_day IS NOT NULL`);
    await q.query(
      `CREATE INDEX analytics_rule_fires_member ON analytics_rule_fires (brand_id, rule_id, member_id, day)`,
    );
    await q.query(`ALTER TABLE analytics_rule_fires DROP CONSTRAINT analytics_rule_fires_pkey`);
    await q.query(`ALTER TABLE analytics_rule_fires ADD PRIMARY KEY (brand_id, day, rule_id, fire_key, member_id)`);
  }
}
