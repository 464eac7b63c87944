import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Referrals between members, and clicks on share links (/r/{code}). */
export class Referrals1764000200000 implements MigrationInterface {
  name = 'Referrals1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referrals (
        brand_id       uuid NOT NULL REFERENCES brands (id),
        id             uuid NOT NULL,
        -- null when the code named no enrolled member of this brand (status rejected)
        referrer_id    uuid,
        referee_id     uuid NOT NULL,
        code           text NOT NULL,
        status         text NOT NULL CHECK (status IN ('pending', 'qualified', 'rewarded', 'rejected')),
        reason         text,
        qualified_at   timestamptz,
        rewarded_at    timestamptz,
        -- the referee's event that qualified it, and the referrer's engine-made referral event
        qualifying_event_id uuid,
        referral_event_id   uuid,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, referee_id) REFERENCES members (brand_id, id)
      )`);
    // a member is referred at most once
    await q.query(`CREATE UNIQUE INDEX referrals_referee ON referrals (brand_id, referee_id)`);
    await q.query(`CREATE INDEX referrals_referrer ON referrals (brand_id, referrer_id, created_at)`);
    await q.query(`CREATE INDEX referrals_status ON referrals (brand_id, status, id)`);

    await q.query(`
      CREATE TABLE referral_clicks (
        brand_id     uuid NOT NULL REFERENCES brands (id),
        id           uuid NOT NULL,
        member_id    uuid NOT NULL,
        -- SHA-256 of the client address: enough to count distinct clients, no address stored
        client_hash  text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id)
      )`);
    await q.query(`CREATE INDEX referral_clicks_member ON referral_clicks (brand_id, member_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE referral_clicks`);
    await q.query(`DROP TABLE referrals`);
  }
}
