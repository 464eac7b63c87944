import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared, queryRows } from '../database/query-rows.js';
import { type WriteFragment, writeTogether } from '../database/write-fragment.js';
import { isUuid } from '../common/ids.js';
import type { Member } from './member.entity.js';
import { MEMBER_COLUMNS, toMember } from './member-row.js';

export interface NewMember {
  id: string;
  externalId: string;
  email: string | null;
  stage: string;
  walletAddress: string | null;
  source: string;
  referralCode: string;
  enrolledAt: Date;
}

/** More members to lock with the named ones: a query answering member ids (`$1` is the brand id). */
export interface MemberIdQuery {
  /** Its parameters are numbered from `$at`. */
  sql(at: number): string;
  params: unknown[];
}

export interface MemberFilter {
  stage?: string;
  tier?: string;
  cursor?: string;
  limit: number;
}

/** Member rows. Balances are written only by the ledger's posting path (with the row locked). */
@Injectable()
export class MembersRepository {
  /**
   * Insert-or-update by externalId in one statement. `created` tells which happened
   * (xmax = 0 only on a freshly inserted row). Profile fields update only when given.
   */
  async upsert(em: EntityManager, brandId: string, m: NewMember): Promise<{ member: Member; created: boolean }> {
    const rows = await queryRows(
      em,
      `INSERT INTO members (brand_id, id, external_id, email, stage, wallet_address, source, referral_code, enrolled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (brand_id, external_id) DO UPDATE
         SET email = COALESCE(EXCLUDED.email, members.email),
             wallet_address = COALESCE(EXCLUDED.wallet_address, members.wallet_address),
             updated_at = now()
       RETURNING ${MEMBER_COLUMNS}, (xmax = 0) AS created`,
      [brandId, m.id, m.externalId, m.email, m.stage, m.walletAddress, m.source, m.referralCode, m.enrolledAt],
    );
    return { member: toMember(rows[0]), created: rows[0].created === true };
  }

  /** Inserts members that do not exist yet (auto-enrolment by events); existing ones are left alone. */
  async insertMissing(em: EntityManager, brandId: string, members: NewMember[]): Promise<void> {
    if (members.length === 0) {
      return;
    }
    await em.query(
      `INSERT INTO members (brand_id, id, external_id, email, stage, wallet_address, source, referral_code, enrolled_at)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        brandId,
        members.map((m) => m.id),
        members.map((m) => m.externalId),
        members.map((m) => m.email),
        members.map((m) => m.stage),
        members.map((m) => m.walletAddress),
        members.map((m) => m.source),
        members.map((m) => m.referralCode),
        members.map((m) => m.enrolledAt),
      ],
    );
  }

  /**
   * A past written set-based (the Demo brand's history, the bench): `select` is trusted SQL that
   * yields id, external_id, stage, referral_code, source, referred_by, enrolled_at, created_at,
   * updated_at, purchase_count and last_purchase_at; $1 is the brand, `params` follow from $2.
   * Balances come after the ledger, from `settleHistory`.
   */
  async insertHistory(em: EntityManager, brandId: string, select: string, params: unknown[] = []): Promise<void> {
    await em.query(
      `INSERT INTO members (brand_id, id, external_id, stage, referral_code, source, referred_by, enrolled_at, created_at,
                            updated_at, purchase_count, last_purchase_at)
       SELECT $1, s.id, s.external_id, s.stage, s.referral_code, s.source, s.referred_by, s.enrolled_at, s.created_at,
              s.updated_at, s.purchase_count, s.last_purchase_at
         FROM (${select}) s`,
      [brandId, ...params],
    );
  }

  /** After a past written set-based: each member's balance, lifetime earnings and referral count, from the rows written. */
  async settleHistory(em: EntityManager, brandId: string): Promise<void> {
    await em.query(
      `UPDATE members m SET points_available = b.balance, lifetime_earned = b.earned, referral_count = coalesce(r.n, 0)
         FROM (SELECT member_id, sum(points) AS balance, sum(points) FILTER (WHERE points > 0) AS earned
                 FROM ledger_entries WHERE brand_id = $1 GROUP BY member_id) b
         LEFT JOIN (SELECT referrer_id, count(*) AS n FROM referrals WHERE brand_id = $1 AND status = 'rewarded' GROUP BY referrer_id) r
           ON r.referrer_id = b.member_id
        WHERE m.brand_id = $1 AND m.id = b.member_id`,
      [brandId],
    );
  }

  /** By our id or by the brand's externalId. */
  async find(em: EntityManager, brandId: string, idOrExternalId: string): Promise<Member | null> {
    const rows = isUuid(idOrExternalId)
      ? await queryRows(
          em,
          `SELECT ${MEMBER_COLUMNS} FROM members WHERE brand_id = $1 AND (id = $2::uuid OR external_id = $3) ORDER BY (id = $2::uuid) DESC LIMIT 1`,
          [brandId, idOrExternalId.toLowerCase(), idOrExternalId],
        )
      : await queryRows(em, `SELECT ${MEMBER_COLUMNS} FROM members WHERE brand_id = $1 AND external_id = $2`, [
          brandId,
          idOrExternalId,
        ]);
    return rows.length ? toMember(rows[0]) : null;
  }

  /** By e-mail (stored lower-cased, unique per brand). */
  async findByEmail(em: EntityManager, brandId: string, email: string): Promise<Member | null> {
    const rows = await queryRows(em, `SELECT ${MEMBER_COLUMNS} FROM members WHERE brand_id = $1 AND email = $2`, [
      brandId,
      email.toLowerCase(),
    ]);
    return rows.length ? toMember(rows[0]) : null;
  }

  /**
   * Locks members named by id or externalId, and those `also` names, in id order in one
   * statement, so that transactions locking several members never deadlock. Answers the
   * locked rows.
   */
  async lock(
    em: EntityManager,
    brandId: string,
    ids: string[],
    externalIds: string[],
    also: MemberIdQuery | null = null,
  ): Promise<Member[]> {
    if (ids.length === 0 && externalIds.length === 0) {
      return [];
    }
    // Prepared: its planning cost more than its run (0.7 ms against 0.1 ms at 100k members).
    const rows = await queryPrepared(
      em,
      // The ids are resolved first, in an InitPlan (index probes, read without locks; an OR of two
      // ANY arrays makes the planner scan the brand's members), and the lock then takes rows by
      // id alone: a join or IN-subquery under FOR UPDATE can drop rows when a concurrent update
      // is re-checked.
      `SELECT ${MEMBER_COLUMNS} FROM members
        WHERE brand_id = $1 AND id = ANY(ARRAY(
          SELECT id FROM members WHERE brand_id = $1 AND id = ANY($2::uuid[])
          UNION ALL
          SELECT id FROM members WHERE brand_id = $1 AND external_id = ANY($3::text[])${
            also ? `\n          UNION ALL\n          ${also.sql(4)}` : ''
          }))
        ORDER BY id FOR UPDATE`,
      [brandId, ids, externalIds, ...(also?.params ?? [])],
    );
    return rows.map(toMember);
  }

  async list(em: EntityManager, brandId: string, f: MemberFilter): Promise<Member[]> {
    const rows = await queryRows(
      em,
      `SELECT ${MEMBER_COLUMNS} FROM members
        WHERE brand_id = $1
          AND ($2::text IS NULL OR stage = $2)
          AND ($3::text IS NULL OR tier = $3)
          AND ($4::uuid IS NULL OR id > $4::uuid)
        ORDER BY id LIMIT $5`,
      [brandId, f.stage ?? null, f.tier ?? null, f.cursor ?? null, f.limit + 1],
    );
    return rows.map(toMember);
  }

  /** The member's linked wallet (EIP-55), or null to unlink; unique per brand (index members_wallet). */
  async setWallet(em: EntityManager, brandId: string, memberId: string, address: string | null): Promise<void> {
    await em.query(`UPDATE members SET wallet_address = $3, updated_at = now() WHERE brand_id = $1 AND id = $2`, [
      brandId,
      memberId,
      address,
    ]);
  }

  /** Writes the new state of members a transaction changed (stage, counters, balance), in one statement. */
  async saveStates(em: EntityManager, brandId: string, members: Member[]): Promise<void> {
    await writeTogether(em, brandId, [memberStates(members)]);
  }

  /** Moves every member of one stage to another; answers the ids moved. */
  async moveStage(em: EntityManager, brandId: string, from: string, to: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      em,
      `UPDATE members SET stage = $3, updated_at = now() WHERE brand_id = $1 AND stage = $2 RETURNING id`,
      [brandId, from, to],
    );
    return rows.map((r) => r.id);
  }

  async setReferredBy(em: EntityManager, brandId: string, refereeId: string, referrerId: string): Promise<void> {
    await em.query(`UPDATE members SET referred_by = $3 WHERE brand_id = $1 AND id = $2`, [
      brandId,
      refereeId,
      referrerId,
    ]);
  }

  async insertToken(
    em: EntityManager,
    brandId: string,
    t: { id: string; memberId: string; tokenHash: string; expiresAt: Date },
  ): Promise<void> {
    await em.query(
      `INSERT INTO member_tokens (brand_id, id, member_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [brandId, t.id, t.memberId, t.tokenHash, t.expiresAt],
    );
  }

  /** The live token's member and brand: the one query a member request makes to authenticate. */
  async findByTokenHash(em: EntityManager, tokenHash: string): Promise<{ brandId: string; memberId: string } | null> {
    const rows = await queryRows<{ brand_id: string; member_id: string }>(
      em,
      `SELECT brand_id, member_id FROM member_tokens WHERE token_hash = $1 AND expires_at > now()`,
      [tokenHash],
    );
    return rows.length ? { brandId: rows[0].brand_id, memberId: rows[0].member_id } : null;
  }
}

/** The members' part of a combined write: the state a transaction changed (stage, counters, balance). */
export function memberStates(members: Member[]): WriteFragment | null {
  if (members.length === 0) {
    return null;
  }
  return {
    name: 'member_states',
    params: [
      JSON.stringify(
        members.map((m) => ({
          id: m.id,
          stage: m.stage,
          tier: m.tier,
          purchase_count: m.purchaseCount,
          referral_count: m.referralCount,
          last_purchase_at: m.lastPurchaseAt,
          points_available: m.pointsAvailable,
          points_pending: m.pointsPending,
          lifetime_earned: m.lifetimeEarned,
        })),
      ),
      // The ids again, as an array the planner can count: against the JSON's guess of 100 rows it
      // would hash-join a scan of every member of the brand.
      members.map((m) => m.id),
    ],
    cte: (at) =>
      `UPDATE members m SET stage = u.stage, tier = u.tier, purchase_count = u.purchase_count, referral_count = u.referral_count,
              last_purchase_at = u.last_purchase_at, points_available = u.points_available, points_pending = u.points_pending,
              lifetime_earned = u.lifetime_earned, updated_at = now()
         FROM json_to_recordset($${at}::json) AS u(id uuid, stage text, tier text, purchase_count int, referral_count int,
              last_purchase_at timestamptz, points_available bigint, points_pending bigint, lifetime_earned bigint)
        WHERE m.brand_id = $1 AND m.id = ANY($${at + 1}::uuid[]) AND m.id = u.id`,
  };
}
