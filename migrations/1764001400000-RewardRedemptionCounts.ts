import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Redemptions of an unlimited reward (no stock, no code pool) are counted in stripes beside the
 * reward instead of on its row, so concurrent redemptions do not queue on one row lock. The
 * reward's redeemed figure is its row's counter plus its stripes; an edit of the reward folds
 * the stripes back into the row (it holds the row's lock, which every stripe writer shares), so a
 * reward given a stock starts from the exact count.
 */
export class RewardRedemptionCounts1764001400000 implements MigrationInterface {
  name = 'RewardRedemptionCounts1764001400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reward_redemption_counts (
        brand_id   uuid NOT NULL,
        reward_id  uuid NOT NULL,
        stripe     smallint NOT NULL,
        -- redemptions minus cancellations that landed on this stripe: one stripe may go below 0, their sum never does
        redeemed   integer NOT NULL,
        PRIMARY KEY (brand_id, reward_id, stripe),
        FOREIGN KEY (brand_id, reward_id) REFERENCES rewards (brand_id, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reward_redemption_counts`);
  }
}
