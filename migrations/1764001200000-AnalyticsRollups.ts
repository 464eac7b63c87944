import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics rollups, kept by the analytics-rollup job from a per-brand watermark on the hot
 * tables' time-ordered ids (their primary keys): the event path writes none of these tables and
 * pays for no index. `day` is the local day number (days since 1970-01-01) in the brand's time
 * zone at rollup time; a zone change rebuilds the brand. Daily sums where a figure adds up over
 * days; narrow per-row tables (indexed by when things happened) where it does not (distinct members,
 * medians, retention's purchase spans) and for the window's partial first and last days.
 */
export class AnalyticsRollups1764001200000 implements MigrationInterface {
  name = 'AnalyticsRollups1764001200000';

  async up(q: QueryRunner): Promise<void> {
    // everything with an id at or below a mark is in the rollups; readers scan what is above it
    await q.query(`
      CREATE TABLE analytics_marks (
        brand_id     uuid PRIMARY KEY REFERENCES brands (id),
        timezone     text NOT NULL,
        -- the brand's stage order the moves were ranked by
        stages       text[] NOT NULL,
        events_mark  uuid NOT NULL,
        changes_mark uuid NOT NULL,
        ledger_mark  uuid NOT NULL,
        rolled_at    timestamptz NOT NULL
      )`);
    // members with an event that local day, and the instants (for a window's partial days)
    await q.query(`
      CREATE TABLE analytics_activity (
        brand_id  uuid NOT NULL,
        day       integer NOT NULL,
        member_id uuid NOT NULL,
        ats       timestamptz[] NOT NULL,
        PRIMARY KEY (brand_id, day, member_id)
      )`);
    // purchases by when they happened, each with its member's next and first purchase (retention's
    // spans without a sort); a member with a dirty row has them recomputed, readers order it live
    await q.query(`
      CREATE TABLE analytics_purchases (
        brand_id    uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        id          uuid NOT NULL,
        member_id   uuid NOT NULL,
        amount      numeric,
        next_at     timestamptz,
        first_at    timestamptz,
        dirty       boolean NOT NULL DEFAULT true,
        PRIMARY KEY (brand_id, occurred_at, id)
      )`);
    await q.query(`CREATE INDEX analytics_purchases_member ON analytics_purchases (brand_id, member_id, occurred_at)`);
    await q.query(`CREATE INDEX analytics_purchases_dirty ON analytics_purchases (brand_id, member_id) WHERE dirty`);
    await q.query(`
      CREATE TABLE analytics_feedback (
        brand_id    uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        id          uuid NOT NULL,
        day         integer NOT NULL,
        touchpoint  text NOT NULL,
        stage       text,
        rating      integer NOT NULL,
        PRIMARY KEY (brand_id, occurred_at, id)
      )`);
    await q.query(`
      CREATE TABLE analytics_feedback_days (
        brand_id   uuid NOT NULL,
        day        integer NOT NULL,
        touchpoint text NOT NULL,
        stage      text,
        rating     integer NOT NULL,
        n          integer NOT NULL,
        UNIQUE NULLS NOT DISTINCT (brand_id, day, touchpoint, stage, rating)
      )`);
    // the stage changes by when they happened, with how many days the member had been in the
    // stage it left (stay_days; null: no earlier entry into it)
    await q.query(`
      CREATE TABLE analytics_moves (
        brand_id   uuid NOT NULL,
        created_at timestamptz NOT NULL,
        id         uuid NOT NULL,
        member_id  uuid NOT NULL,
        from_stage text,
        to_stage   text NOT NULL,
        rule_id    uuid,
        fire_key   uuid,
        stay_days  double precision,
        -- the member's entry into to_stage before this one, and first later move to a stage
        -- ranked higher: the funnel without a sort (a dirty row's member is ordered live)
        prev_same_at   timestamptz,
        next_higher_at timestamptz,
        dirty      boolean NOT NULL DEFAULT true,
        PRIMARY KEY (brand_id, created_at, id)
      )`);
    await q.query(`CREATE INDEX analytics_moves_member ON analytics_moves (brand_id, member_id, created_at)`);
    await q.query(`CREATE INDEX analytics_moves_dirty ON analytics_moves (brand_id, member_id) WHERE dirty`);
    await q.query(`
      CREATE TABLE analytics_ledger_days (
        brand_id uuid NOT NULL,
        day      integer NOT NULL,
        kind     text NOT NULL,
        points   bigint NOT NULL,
        PRIMARY KEY (brand_id, day, kind)
      )`);
    // a rule's fires: per event (or member, for a fire with no event), its member and points
    await q.query(`
      CREATE TABLE analytics_rule_fires (
        brand_id  uuid NOT NULL,
        day       integer NOT NULL,
        rule_id   uuid NOT NULL,
        fire_key  uuid NOT NULL,
        member_id uuid NOT NULL,
        points    bigint NOT NULL,
        -- the day of this member's fire of this rule before (null: none): a member counts once,
        -- on the first fire of the window, with no distinct over the window's fires
        prev_day  integer,
        PRIMARY KEY (brand_id, day, rule_id, fire_key, member_id)
      )`);
    await q.query(
      `CREATE INDEX analytics_rule_fires_member ON analytics_rule_fires (brand_id, rule_id, member_id, day)`,
    );
    // the rollups and the primary keys' id ranges now serve every window: the event path stops
    // paying for these two (about a tenth of its events/s under load)
    await q.query(`DROP INDEX IF EXISTS events_occurred`);
    await q.query(`DROP INDEX IF EXISTS stage_changes_created`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX stage_changes_created ON stage_changes (brand_id, created_at)`);
    await q.query(`CREATE INDEX events_occurred ON events (brand_id, occurred_at) INCLUDE (type, member_id)`);
    for (const t of [
      'analytics_rule_fires',
      'analytics_ledger_days',
      'analytics_moves',
      'analytics_feedback_days',
      'analytics_feedback',
      'analytics_purchases',
      'analytics_activity',
      'analytics_marks',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
