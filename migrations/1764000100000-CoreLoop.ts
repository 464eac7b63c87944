import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core loop: members (carrying their balance), rules and their versions, events,
 * the append-only ledger, stage history, per-member rule usage, member tokens and the
 * token-mint outbox. Every key starts with brand_id (DESIGN §2: shardable by brand).
 */
export class CoreLoop1764000100000 implements MigrationInterface {
  name = 'CoreLoop1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE members (
        brand_id          uuid NOT NULL REFERENCES brands (id),
        id                uuid NOT NULL,
        external_id       text NOT NULL,
        email             text,
        stage             text NOT NULL,
        tier              text,
        referral_code     text NOT NULL,
        wallet_address    text,
        source            text NOT NULL,
        enrolled_at       timestamptz NOT NULL,
        purchase_count    integer NOT NULL DEFAULT 0,
        referral_count    integer NOT NULL DEFAULT 0,
        last_purchase_at  timestamptz,
        referred_by       uuid,
        -- the balance lives on the member row: it is locked for every write that moves points
        points_available  bigint NOT NULL DEFAULT 0,
        points_pending    bigint NOT NULL DEFAULT 0,
        lifetime_earned   bigint NOT NULL DEFAULT 0,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        UNIQUE (brand_id, external_id)
      ) WITH (fillfactor = 80)`); // every event updates its member: room on the page keeps those updates HOT
    await q.query(`CREATE UNIQUE INDEX members_email ON members (brand_id, email) WHERE email IS NOT NULL`);
    // unique across brands, so the public link /r/{code} needs no brand in it
    await q.query(`CREATE UNIQUE INDEX members_referral_code ON members (referral_code)`);
    await q.query(`CREATE INDEX members_stage ON members (brand_id, stage, id)`);
    await q.query(`CREATE INDEX members_tier ON members (brand_id, tier, id)`);

    await q.query(`
      CREATE TABLE member_tokens (
        brand_id    uuid NOT NULL REFERENCES brands (id),
        id          uuid NOT NULL,
        member_id   uuid NOT NULL,
        token_hash  text NOT NULL,
        expires_at  timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX member_tokens_hash ON member_tokens (token_hash)`);

    await q.query(`
      CREATE TABLE rules (
        brand_id      uuid NOT NULL REFERENCES brands (id),
        id            uuid NOT NULL,
        version       integer NOT NULL,
        name          text NOT NULL,
        event_type    text NOT NULL,
        status        text NOT NULL CHECK (status IN ('active', 'paused', 'archived')),
        definition    jsonb NOT NULL,
        -- the global budget's hot counter; only rules with a budget ever lock this row
        budget_spent  bigint NOT NULL DEFAULT 0,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id)
      )`);
    await q.query(`
      CREATE TABLE rule_versions (
        brand_id    uuid NOT NULL,
        rule_id     uuid NOT NULL,
        version     integer NOT NULL,
        definition  jsonb NOT NULL,
        changed_by  text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, rule_id, version),
        FOREIGN KEY (brand_id, rule_id) REFERENCES rules (brand_id, id)
      )`);

    await q.query(`
      CREATE TABLE events (
        brand_id         uuid NOT NULL REFERENCES brands (id),
        id               uuid NOT NULL,
        idempotency_key  text NOT NULL,
        -- SHA-256 of the canonical request: a replay with another body is a conflict
        request_hash     text NOT NULL,
        type             text NOT NULL,
        member_id        uuid NOT NULL,
        occurred_at      timestamptz NOT NULL,
        attributes       jsonb NOT NULL,
        origin           text NOT NULL,
        -- the first answer, returned to replays
        result           jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        UNIQUE (brand_id, idempotency_key),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id)
      ) WITH (fillfactor = 80)`); // the answer is written into the row later in its transaction: a HOT update
    await q.query(`CREATE INDEX events_member ON events (brand_id, member_id, occurred_at)`);

    await q.query(`
      CREATE TABLE ledger_entries (
        brand_id       uuid NOT NULL,
        id             uuid NOT NULL,
        -- commit order within a member (ids from several instances may interleave by clock)
        seq            bigint GENERATED ALWAYS AS IDENTITY,
        member_id      uuid NOT NULL,
        kind           text NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'adjust')),
        status         text NOT NULL CHECK (status IN ('pending', 'available')),
        points         bigint NOT NULL CHECK (points <> 0),
        -- the member's total (available + pending) after this entry: replayable by an audit
        balance_after  bigint NOT NULL,
        event_id       uuid,
        rule_id        uuid,
        rule_version   integer,
        redemption_id  uuid,
        reason         text,
        actor          text,
        available_at   timestamptz NOT NULL,
        expires_at     timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id)
      )`);
    await q.query(`CREATE INDEX ledger_entries_member ON ledger_entries (brand_id, member_id, seq)`);

    await q.query(`
      CREATE TABLE stage_changes (
        brand_id    uuid NOT NULL,
        id          uuid NOT NULL,
        member_id   uuid NOT NULL,
        from_stage  text,
        to_stage    text NOT NULL,
        event_id    uuid,
        rule_id     uuid,
        cause       text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id)
      )`);
    await q.query(`CREATE INDEX stage_changes_member ON stage_changes (brand_id, member_id, id)`);

    await q.query(`
      CREATE TABLE rule_usage (
        brand_id       uuid NOT NULL,
        member_id      uuid NOT NULL,
        rule_id        uuid NOT NULL,
        period_start   timestamptz NOT NULL,
        count          integer NOT NULL,
        points         bigint NOT NULL,
        last_fired_at  timestamptz,
        PRIMARY KEY (brand_id, member_id, rule_id)
      )`);

    await q.query(`
      CREATE TABLE token_mints (
        brand_id    uuid NOT NULL,
        id          uuid NOT NULL,
        member_id   uuid NOT NULL,
        event_id    uuid,
        rule_id     uuid,
        amount      numeric(78, 18) NOT NULL CHECK (amount > 0),
        status      text NOT NULL DEFAULT 'queued',
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id)
      )`);
    await q.query(`CREATE INDEX token_mints_queued ON token_mints (created_at) WHERE status = 'queued'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'token_mints',
      'rule_usage',
      'stage_changes',
      'ledger_entries',
      'events',
      'rule_versions',
      'rules',
      'member_tokens',
      'members',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
