import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { EventsRepository } from '../events/events.repository.js';
import { StageChangesRepository } from '../journey/stage-changes.repository.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { MembersRepository } from '../members/members.repository.js';
import { ReferralsRepository } from '../referrals/referrals.repository.js';

export interface HistorySeed {
  members: number;
  /** How far back enrolments reach. */
  days: number;
  /** Scales every member's purchases, shares, feedback and content views (1 ≈ 4 events a member). */
  activity: number;
  /** External ids are `<prefix><n>`. */
  externalIdPrefix: string;
  now: Date;
}

export interface SeededHistory {
  members: number;
  events: number;
  ledgerEntries: number;
  stageChanges: number;
  referrals: number;
  clicks: number;
}

/**
 * A plausible past for a brand, written set-based (generate_series) in the caller's
 * transaction: members enrol over `days`, buy, share, rate touchpoints and refer friends; their
 * stages, ledger (earn, referral bonus, redemptions), balances, referrals and share clicks agree
 * with those events as the starter rules would have made them. Rows carry the time they happened
 * (created_at = occurred_at) and time-ordered ids of that time. For the Demo brand and the bench.
 * The plan (who does what when) lives in temporary tables here; each table's rows are written by
 * its owner's `insertHistory`.
 */
@Injectable()
export class HistorySeedRepository {
  constructor(
    private readonly members: MembersRepository,
    private readonly stageChanges: StageChangesRepository,
    private readonly events: EventsRepository,
    private readonly referrals: ReferralsRepository,
    private readonly ledger: LedgerRepository,
  ) {}

  async seed(em: EntityManager, brandId: string, s: HistorySeed): Promise<SeededHistory> {
    const q = (sql: string, params: unknown[] = []) => queryRows(em, sql, params);
    await q(`CREATE OR REPLACE FUNCTION pg_temp.seed_id(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
      SELECT (lpad(to_hex(floor(extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
              || '8' || substr(md5(random()::text), 1, 15))::uuid $$`);
    // floor of an exponential draw: many members do little, a few do a lot
    await q(
      `CREATE TEMP TABLE seed_members ON COMMIT DROP AS
       SELECT g, pg_temp.seed_id(enrolled_at) AS id, enrolled_at,
              CASE WHEN random() < 0.35 THEN 0 ELSE 1 + floor(-ln(1 - random()) * 2.5 * $4)::int END AS purchases,
              floor(-ln(1 - random()) * 1.5 * $4)::int AS shares,
              floor(-ln(1 - random()) * 1.2 * $4)::int AS feedback,
              floor(-ln(1 - random()) * 1.0 * $4)::int AS content
         FROM (SELECT g, $3::timestamptz - make_interval(days => $2) * (random() ^ 0.8) AS enrolled_at
                 FROM generate_series(1, $1) g) m`,
      [s.members, s.days, s.now, s.activity],
    );
    await q(
      `CREATE TEMP TABLE seed_events ON COMMIT DROP AS
       SELECT pg_temp.seed_id(occurred_at) AS id, member_id, type, occurred_at,
              row_number() OVER (PARTITION BY member_id, type ORDER BY occurred_at) AS nth,
              CASE WHEN type = 'purchase' THEN round((12 + random() * 88)::numeric, 2) END AS amount
         FROM (SELECT m.id AS member_id, x.type, m.enrolled_at + random() * ($1::timestamptz - m.enrolled_at) AS occurred_at
                 FROM seed_members m
                 CROSS JOIN LATERAL (
                   SELECT 'purchase' AS type FROM generate_series(1, m.purchases)
                   UNION ALL SELECT 'share' FROM generate_series(1, m.shares)
                   UNION ALL SELECT 'feedback' FROM generate_series(1, m.feedback)
                   UNION ALL SELECT 'content' FROM generate_series(1, m.content)) x) e`,
      [s.now],
    );
    // the loop's milestones: first content view (consideration), 1st (conversion), 2nd (retention), 4th purchase (loyalty)
    await q(`CREATE TEMP TABLE seed_paths ON COMMIT DROP AS
       SELECT m.id, m.g, m.enrolled_at,
              min(e.occurred_at) FILTER (WHERE e.type = 'content') AS c1,
              min(e.occurred_at) FILTER (WHERE e.type = 'purchase' AND e.nth = 1) AS p1,
              min(e.occurred_at) FILTER (WHERE e.type = 'purchase' AND e.nth = 2) AS p2,
              min(e.occurred_at) FILTER (WHERE e.type = 'purchase' AND e.nth = 4) AS p4,
              max(e.occurred_at) FILTER (WHERE e.type = 'purchase') AS last_purchase,
              count(*) FILTER (WHERE e.type = 'purchase') AS purchases,
              min(e.id::text) FILTER (WHERE e.type = 'purchase' AND e.nth = 1)::uuid AS first_purchase_id
         FROM seed_members m LEFT JOIN seed_events e ON e.member_id = m.id
        GROUP BY m.id, m.g, m.enrolled_at`);
    await q(`ANALYZE seed_members`);
    await q(`ANALYZE seed_events`);
    await q(`CREATE OR REPLACE FUNCTION pg_temp.stage_at(c1 timestamptz, p1 timestamptz, p2 timestamptz, p4 timestamptz, t timestamptz)
      RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN p4 < t THEN 'loyalty' WHEN p2 < t THEN 'retention' WHEN p1 < t THEN 'conversion'
                  WHEN c1 < t THEN 'consideration' ELSE 'awareness' END $$`);
    // every eighth member was referred by someone who enrolled before them; a few codes named nobody
    await q(`CREATE TEMP TABLE seed_referrals ON COMMIT DROP AS
       SELECT pg_temp.seed_id(p.enrolled_at) AS id, p.id AS referee_id, r.id AS referrer_id, p.enrolled_at, p.p1,
              p.first_purchase_id,
              CASE WHEN p.g % 97 = 0 THEN 'rejected' WHEN p.p1 IS NOT NULL THEN 'rewarded' ELSE 'pending' END AS status,
              pg_temp.seed_id(p.p1) AS referral_event_id
         FROM (SELECT *, 1 + floor(random() * (g - 1))::int AS referrer_g FROM seed_paths WHERE g % 8 = 0 AND g > 8) p
         JOIN seed_members r ON r.g = p.referrer_g`);

    await this.members.insertHistory(
      em,
      brandId,
      `SELECT p.id, $2 || p.g AS external_id, pg_temp.stage_at(p.c1, p.p1, p.p2, p.p4, 'infinity') AS stage,
              upper(substr(md5(random()::text), 1, 10)) AS referral_code, 'seed' AS source, r.referrer_id AS referred_by,
              p.enrolled_at, p.enrolled_at AS created_at, coalesce(p.last_purchase, p.enrolled_at) AS updated_at,
              p.purchases AS purchase_count, p.last_purchase AS last_purchase_at
         FROM seed_paths p LEFT JOIN seed_referrals r ON r.referee_id = p.id AND r.status <> 'rejected'
        ORDER BY p.id`,
      [s.externalIdPrefix],
    );
    await this.stageChanges.insertHistory(
      em,
      brandId,
      `SELECT pg_temp.seed_id(at) AS id, member_id, from_stage, to_stage, cause, at AS created_at FROM (
         SELECT id AS member_id, NULL AS from_stage, 'awareness' AS to_stage, 'enrollment' AS cause, enrolled_at AS at FROM seed_paths
         UNION ALL SELECT id, 'awareness', 'consideration', 'transition', c1 FROM seed_paths WHERE c1 < coalesce(p1, 'infinity')
         UNION ALL SELECT id, CASE WHEN c1 < p1 THEN 'consideration' ELSE 'awareness' END, 'conversion', 'transition', p1
                     FROM seed_paths WHERE p1 IS NOT NULL
         UNION ALL SELECT id, 'conversion', 'retention', 'transition', p2 FROM seed_paths WHERE p2 IS NOT NULL
         UNION ALL SELECT id, 'retention', 'loyalty', 'transition', p4 FROM seed_paths WHERE p4 IS NOT NULL
       ) c ORDER BY at`,
    );
    await this.events.insertHistory(
      em,
      brandId,
      `SELECT e.id, 'seed:' || e.id AS idempotency_key, 'seed' AS request_hash, e.type, e.member_id, e.occurred_at,
              CASE e.type
                WHEN 'purchase' THEN jsonb_build_object('amount', e.amount::text, 'orderId', 'seed-' || e.id)
                WHEN 'share' THEN jsonb_build_object('channel', (ARRAY['whatsapp', 'instagram', 'facebook', 'x', 'email', 'copy_link'])[1 + floor(random() * 6)::int])
                WHEN 'feedback' THEN jsonb_build_object('touchpoint', t.touchpoint, 'rating',
                  least(6, greatest(1, round(t.mean + CASE WHEN pg_temp.stage_at(p.c1, p.p1, p.p2, p.p4, e.occurred_at) IN ('retention', 'loyalty') THEN 0.4 ELSE 0 END
                                             + (random() + random() + random() - 1.5) * 1.6)))::int)
                ELSE jsonb_build_object('contentId', 'guide-' || (1 + floor(random() * 5))::int)
              END AS attributes,
              'seed' AS origin, pg_temp.stage_at(p.c1, p.p1, p.p2, p.p4, e.occurred_at) AS stage, e.occurred_at AS created_at
         FROM seed_events e
         JOIN seed_paths p ON p.id = e.member_id
         CROSS JOIN LATERAL (
           SELECT * FROM (VALUES ('website', 4.5), ('app', 4.1), ('checkout', 4.8), ('delivery', 3.3), ('support', 3.8)) v(touchpoint, mean)
            OFFSET floor(random() * 5)::int + (e.id IS NULL)::int LIMIT 1) t
        ORDER BY e.id`,
    );
    await this.referrals.insertHistory(
      em,
      brandId,
      `SELECT r.id, CASE WHEN r.status = 'rejected' THEN NULL ELSE r.referrer_id END AS referrer_id, r.referee_id,
              CASE WHEN r.status = 'rejected' THEN 'UNKNOWN' || r.id ELSE m.referral_code END AS code,
              r.status, CASE WHEN r.status = 'rejected' THEN 'referrer_not_enrolled' END AS reason,
              CASE WHEN r.status = 'rewarded' THEN r.p1 END AS qualified_at, CASE WHEN r.status = 'rewarded' THEN r.p1 END AS rewarded_at,
              CASE WHEN r.status = 'rewarded' THEN r.first_purchase_id END AS qualifying_event_id,
              CASE WHEN r.status = 'rewarded' THEN r.referral_event_id END AS referral_event_id, r.enrolled_at AS created_at
         FROM seed_referrals r JOIN members m ON m.brand_id = $1 AND m.id = r.referrer_id`,
    );
    // the engine's referral events, as the pipeline writes them when a referee first buys
    await this.events.insertHistory(
      em,
      brandId,
      `SELECT r.referral_event_id AS id, 'referral:' || r.id AS idempotency_key, 'engine' AS request_hash, 'referral' AS type,
              r.referrer_id AS member_id, r.p1 AS occurred_at,
              jsonb_build_object('referralId', r.id, 'refereeId', r.referee_id) AS attributes, 'engine' AS origin,
              NULL::text AS stage, r.p1 AS created_at
         FROM seed_referrals r WHERE r.status = 'rewarded'`,
    );
    // share links clicked: a few times per referral before it, and now and then after a share
    await this.referrals.insertClickHistory(
      em,
      brandId,
      `SELECT pg_temp.seed_id(at) AS id, member_id, md5(random()::text) AS client_hash, at AS created_at FROM (
         SELECT r.referrer_id AS member_id, r.enrolled_at - random() * interval '2 days' AS at
           FROM seed_referrals r CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 3)::int) n
          WHERE r.status <> 'rejected'
         UNION ALL
         SELECT e.member_id, e.occurred_at + random() * interval '1 day' FROM seed_events e WHERE e.type = 'share' AND random() < 0.3
       ) c WHERE at < $2`,
      [s.now],
    );

    // the points the starter rules gave for those events (rule ids by name; a brand without them gets none)
    await q(
      `CREATE TEMP TABLE seed_earns ON COMMIT DROP AS
       SELECT e.member_id, e.event_id, e.rule_id, e.points, e.at FROM (
         SELECT x.member_id, x.id AS event_id, (SELECT id FROM rules WHERE brand_id = $1 AND name = 'Points per currency unit') AS rule_id,
                floor(x.amount)::bigint AS points, x.occurred_at AS at
           FROM seed_events x WHERE x.type = 'purchase'
         UNION ALL
         SELECT x.member_id, x.id, (SELECT id FROM rules WHERE brand_id = $1 AND name = 'Repeat purchase multiplier'),
                floor(x.amount)::bigint, x.occurred_at
           FROM seed_events x WHERE x.type = 'purchase' AND x.nth >= 2
         UNION ALL
         SELECT x.member_id, x.id, (SELECT id FROM rules WHERE brand_id = $1 AND name = 'First purchase bonus'), 100, x.occurred_at
           FROM seed_events x WHERE x.type = 'purchase' AND x.nth = 1
         UNION ALL
         SELECT x.member_id, x.id, (SELECT id FROM rules WHERE brand_id = $1 AND name = 'Share points'), 10, x.occurred_at
           FROM seed_events x WHERE x.type = 'share'
         UNION ALL
         -- content and feedback earn only in consideration, within their per-day limits (3 and 1, the brand's local days)
         SELECT x.member_id, x.id, (SELECT id FROM rules WHERE brand_id = $1 AND name = x.rule_name), x.points, x.occurred_at
           FROM (SELECT e.*, CASE e.type WHEN 'content' THEN 'Exclusive content' ELSE 'Feedback' END AS rule_name,
                        CASE e.type WHEN 'content' THEN 15 ELSE 20 END AS points,
                        row_number() OVER (PARTITION BY e.member_id, e.type, (e.occurred_at AT TIME ZONE z.zone)::date
                                           ORDER BY e.occurred_at) AS nth_today
                   FROM seed_events e
                   JOIN seed_paths p ON p.id = e.member_id
                   CROSS JOIN (SELECT coalesce(settings->>'timezone', 'UTC') AS zone FROM brands WHERE id = $1) z
                  WHERE e.type IN ('content', 'feedback')
                    AND pg_temp.stage_at(p.c1, p.p1, p.p2, p.p4, e.occurred_at) = 'consideration') x
          WHERE x.nth_today <= CASE x.type WHEN 'content' THEN 3 ELSE 1 END
         UNION ALL
         SELECT r.referrer_id, r.referral_event_id, (SELECT id FROM rules WHERE brand_id = $1 AND name = 'Referral bonus'), 500, r.p1
           FROM seed_referrals r WHERE r.status = 'rewarded'
         UNION ALL
         SELECT r.referee_id, r.first_purchase_id,
                (SELECT id FROM rules WHERE brand_id = $1 AND name = 'Welcome gift for referred friends'), 250, r.p1
           FROM seed_referrals r WHERE r.status = 'rewarded'
       ) e WHERE e.rule_id IS NOT NULL AND e.points > 0`,
      [brandId],
    );
    // a third of the members who earned 600 or more spent 300 of it an hour after their last earn
    await q(
      `CREATE TEMP TABLE seed_spends ON COMMIT DROP AS
       SELECT member_id, 300::bigint AS points, least(max(at) + interval '1 hour', $1::timestamptz) AS at
         FROM seed_earns GROUP BY member_id HAVING sum(points) >= 600 AND random() < 0.33`,
      [s.now],
    );
    await this.ledger.insertHistory(
      em,
      brandId,
      `SELECT pg_temp.seed_id(at) AS id, member_id, kind, 'available' AS status, points,
              sum(points) OVER (PARTITION BY member_id ORDER BY at, kind, points, rule_id ROWS UNBOUNDED PRECEDING) AS balance_after,
              event_id, rule_id, reason, actor, at AS available_at, at AS created_at,
              -- spends use the oldest lots first
              CASE WHEN points > 0 THEN greatest(0, least(points, earned_to_here - spent)) END AS lot_remaining
         FROM (
           SELECT e.member_id, 'earn' AS kind, e.points, e.event_id, e.rule_id, NULL AS reason, NULL AS actor, e.at,
                  sum(e.points) OVER (PARTITION BY e.member_id ORDER BY e.at ROWS UNBOUNDED PRECEDING) AS earned_to_here,
                  coalesce(s.points, 0) AS spent
             FROM seed_earns e LEFT JOIN seed_spends s ON s.member_id = e.member_id
           UNION ALL
           SELECT member_id, 'redeem', -points, NULL, NULL, 'Reward redeemed', 'seed', at, 0, 0 FROM seed_spends
         ) l ORDER BY at, member_id, kind, points, rule_id`,
    );
    await this.members.settleHistory(em, brandId);
    const [counts] = await q(
      `SELECT (SELECT count(*) FROM seed_members) AS members,
              (SELECT count(*) FROM events WHERE brand_id = $1) AS events,
              (SELECT count(*) FROM ledger_entries WHERE brand_id = $1) AS ledger_entries,
              (SELECT count(*) FROM stage_changes WHERE brand_id = $1) AS stage_changes,
              (SELECT count(*) FROM referrals WHERE brand_id = $1) AS referrals,
              (SELECT count(*) FROM referral_clicks WHERE brand_id = $1) AS clicks`,
      [brandId],
    );
    return {
      members: Number(counts.members),
      events: Number(counts.events),
      ledgerEntries: Number(counts.ledger_entries),
      stageChanges: Number(counts.stage_changes),
      referrals: Number(counts.referrals),
      clicks: Number(counts.clicks),
    };
  }
}
