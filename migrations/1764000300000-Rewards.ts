import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rewards catalog, coupon code pools and redemptions. Every key starts with brand_id
 * (DESIGN §2). Stock is counted on the reward row (redeemed, codes_unused), which a redemption
 * locks: the counters are exact without counting rows on every catalog read.
 */
export class Rewards1764000300000 implements MigrationInterface {
  name = 'Rewards1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rewards (
        brand_id          uuid NOT NULL REFERENCES brands (id),
        id                uuid NOT NULL,
        name              text NOT NULL,
        description       text,
        kind              text NOT NULL CHECK (kind IN ('coupon', 'content', 'perk')),
        cost_points       bigint NOT NULL CHECK (cost_points > 0),
        -- units offered in total; null = unlimited
        stock             integer CHECK (stock >= 0),
        -- live (not cancelled) redemptions; a cancellation gives its unit back
        redeemed          integer NOT NULL DEFAULT 0 CHECK (redeemed >= 0),
        -- coupon codes not handed out yet: a coupon's stock is also bounded by them
        codes_unused      integer NOT NULL DEFAULT 0 CHECK (codes_unused >= 0),
        per_member_limit  integer CHECK (per_member_limit > 0),
        -- empty = every stage / tier
        stages            text[] NOT NULL DEFAULT '{}',
        tiers             text[] NOT NULL DEFAULT '{}',
        content_url       text,
        perk_text         text,
        valid_from        timestamptz,
        valid_until       timestamptz,
        active            boolean NOT NULL DEFAULT true,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        -- deleted rewards stay: redemptions point at them
        deleted_at        timestamptz,
        PRIMARY KEY (brand_id, id),
        CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_until > valid_from),
        CHECK ((kind = 'content') = (content_url IS NOT NULL)),
        CHECK ((kind = 'perk') = (perk_text IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX rewards_live ON rewards (brand_id, id) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE reward_codes (
        brand_id       uuid NOT NULL,
        id             uuid NOT NULL,
        -- upload order: codes are handed out first in, first out
        seq            bigint GENERATED ALWAYS AS IDENTITY,
        reward_id      uuid NOT NULL,
        code           text NOT NULL,
        -- issued once; a cancelled redemption's code is void, never handed out again
        status         text NOT NULL DEFAULT 'unused' CHECK (status IN ('unused', 'issued', 'void')),
        redemption_id  uuid,
        created_at     timestamptz NOT NULL DEFAULT now(),
        issued_at      timestamptz,
        voided_at      timestamptz,
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, reward_id) REFERENCES rewards (brand_id, id)
      )`);
    // a code is in a reward's pool once: an upload skips the ones already there
    await q.query(`CREATE UNIQUE INDEX reward_codes_code ON reward_codes (brand_id, reward_id, code)`);
    // a redemption claims the first uploaded unused code (FOR UPDATE SKIP LOCKED)
    await q.query(
      `CREATE INDEX reward_codes_unused ON reward_codes (brand_id, reward_id, seq) WHERE status = 'unused'`,
    );

    await q.query(`
      CREATE TABLE redemptions (
        brand_id                uuid NOT NULL,
        id                      uuid NOT NULL,
        member_id               uuid NOT NULL,
        reward_id               uuid NOT NULL,
        kind                    text NOT NULL,
        status                  text NOT NULL CHECK (status IN ('completed', 'cancelled')),
        idempotency_key         text NOT NULL,
        -- SHA-256 of the canonical request (member, reward): the same key with another request is a conflict
        request_hash            text NOT NULL,
        cost_points             bigint NOT NULL CHECK (cost_points > 0),
        code_id                 uuid,
        code                    text,
        content_url             text,
        perk_text               text,
        ledger_entry_id         uuid NOT NULL,
        cancel_ledger_entry_id  uuid,
        -- the lots the redemption spent, [{lotId, points}]: a cancel gives them back, expiry and all
        spent_lots              jsonb NOT NULL DEFAULT '[]'::jsonb,
        -- the first answer, returned to replays of the idempotency key
        result                  jsonb NOT NULL,
        created_at              timestamptz NOT NULL DEFAULT now(),
        cancelled_at            timestamptz,
        PRIMARY KEY (brand_id, id),
        CONSTRAINT redemptions_idempotency UNIQUE (brand_id, idempotency_key),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id),
        FOREIGN KEY (brand_id, reward_id) REFERENCES rewards (brand_id, id),
        FOREIGN KEY (brand_id, code_id) REFERENCES reward_codes (brand_id, id),
        FOREIGN KEY (brand_id, ledger_entry_id) REFERENCES ledger_entries (brand_id, id),
        FOREIGN KEY (brand_id, cancel_ledger_entry_id) REFERENCES ledger_entries (brand_id, id),
        CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
      )`);
    // the per-member limit counts a member's live redemptions of one reward
    await q.query(
      `CREATE INDEX redemptions_member ON redemptions (brand_id, member_id, reward_id) WHERE status = 'completed'`,
    );
    await q.query(`CREATE INDEX redemptions_member_list ON redemptions (brand_id, member_id, id)`);
    await q.query(`CREATE INDEX redemptions_reward_list ON redemptions (brand_id, reward_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE redemptions`);
    await q.query(`DROP TABLE reward_codes`);
    await q.query(`DROP TABLE rewards`);
  }
}
