import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { WriteFragment } from '../database/write-fragment.js';
import type { MemberIdQuery } from '../members/members.repository.js';

export interface Referral {
  id: string;
  referrerId: string | null;
  refereeId: string;
  code: string;
  status: 'pending' | 'qualified' | 'rewarded' | 'rejected';
  reason: string | null;
  createdAt: Date;
  qualifiedAt: Date | null;
  rewardedAt: Date | null;
}

export interface ReferralFilter {
  status?: string;
  referrerId?: string;
  cursor?: string;
  limit: number;
}

const COLUMNS = 'id, referrer_id, referee_id, code, status, reason, created_at, qualified_at, rewarded_at';

function toReferral(r: Record<string, unknown>): Referral {
  return {
    id: r.id as string,
    referrerId: (r.referrer_id as string | null) ?? null,
    refereeId: r.referee_id as string,
    code: r.code as string,
    status: r.status as Referral['status'],
    reason: (r.reason as string | null) ?? null,
    createdAt: r.created_at as Date,
    qualifiedAt: (r.qualified_at as Date | null) ?? null,
    rewardedAt: (r.rewarded_at as Date | null) ?? null,
  };
}

@Injectable()
export class ReferralsRepository {
  /** A member is referred at most once: a second attribution for the same referee is ignored. */
  async insert(
    em: EntityManager,
    brandId: string,
    r: Pick<Referral, 'id' | 'referrerId' | 'refereeId' | 'code' | 'status' | 'reason'>,
  ): Promise<boolean> {
    const rows = await queryRows(
      em,
      `INSERT INTO referrals (brand_id, id, referrer_id, referee_id, code, status, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (brand_id, referee_id) DO NOTHING RETURNING id`,
      [brandId, r.id, r.referrerId, r.refereeId, r.code, r.status, r.reason],
    );
    return rows.length > 0;
  }

  /**
   * A past written set-based (the Demo brand's history, the bench): `select` is trusted SQL that
   * yields id, referrer_id, referee_id, code, status, reason, qualified_at, rewarded_at,
   * qualifying_event_id, referral_event_id and created_at; $1 is the brand, `params` follow from $2.
   */
  async insertHistory(em: EntityManager, brandId: string, select: string, params: unknown[] = []): Promise<void> {
    await em.query(
      `INSERT INTO referrals (brand_id, id, referrer_id, referee_id, code, status, reason, qualified_at, rewarded_at,
                              qualifying_event_id, referral_event_id, created_at)
       SELECT $1, s.id, s.referrer_id, s.referee_id, s.code, s.status, s.reason, s.qualified_at, s.rewarded_at,
              s.qualifying_event_id, s.referral_event_id, s.created_at
         FROM (${select}) s`,
      [brandId, ...params],
    );
  }

  /** The member of this brand behind a referral code (another brand's code finds nobody). */
  async findReferrerByCode(
    em: EntityManager,
    brandId: string,
    code: string,
  ): Promise<{ id: string; email: string | null; walletAddress: string | null } | null> {
    const rows = await queryRows(
      em,
      `SELECT id, email, wallet_address FROM members WHERE referral_code = $1 AND brand_id = $2`,
      [code.toUpperCase(), brandId],
    );
    return rows.length
      ? {
          id: rows[0].id as string,
          email: (rows[0].email as string | null) ?? null,
          walletAddress: (rows[0].wallet_address as string | null) ?? null,
        }
      : null;
  }

  /** The member and brand behind a code, across brands: the public link /r/{code} names no brand. */
  async findByCode(em: EntityManager, code: string): Promise<{ brandId: string; memberId: string } | null> {
    const rows = await queryRows(em, `SELECT brand_id, id FROM members WHERE referral_code = $1`, [code.toUpperCase()]);
    return rows.length ? { brandId: rows[0].brand_id as string, memberId: rows[0].id as string } : null;
  }

  /** Serialises attributions to one referrer until the transaction ends, so its monthly limit holds. */
  async lockReferrer(em: EntityManager, brandId: string, referrerId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`referrer:${brandId}:${referrerId}`]);
  }

  async countByReferrerSince(em: EntityManager, brandId: string, referrerId: string, since: Date): Promise<number> {
    const rows = await queryRows<{ n: string }>(
      em,
      `SELECT count(*) AS n FROM referrals WHERE brand_id = $1 AND referrer_id = $2 AND status <> 'rejected' AND created_at >= $3`,
      [brandId, referrerId, since],
    );
    return Number(rows[0].n);
  }

  /** The pending referrals of these referees (read under their row locks). */
  async pendingForReferees(em: EntityManager, brandId: string, refereeIds: string[]): Promise<Referral[]> {
    if (refereeIds.length === 0) {
      return [];
    }
    const rows = await queryRows(
      em,
      `SELECT ${COLUMNS} FROM referrals WHERE brand_id = $1 AND referee_id = ANY($2::uuid[]) AND status = 'pending'`,
      [brandId, refereeIds],
    );
    return rows.map(toReferral);
  }

  async find(em: EntityManager, brandId: string, id: string): Promise<Referral | null> {
    const rows = await queryRows(em, `SELECT ${COLUMNS} FROM referrals WHERE brand_id = $1 AND id = $2`, [brandId, id]);
    return rows.length ? toReferral(rows[0]) : null;
  }

  async list(em: EntityManager, brandId: string, f: ReferralFilter): Promise<Referral[]> {
    const rows = await queryRows(
      em,
      `SELECT ${COLUMNS} FROM referrals
        WHERE brand_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR referrer_id = $3) AND ($4::uuid IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [brandId, f.status ?? null, f.referrerId ?? null, f.cursor ?? null, f.limit + 1],
    );
    return rows.map(toReferral);
  }

  async insertClick(
    em: EntityManager,
    brandId: string,
    click: { id: string; memberId: string; clientHash: string },
  ): Promise<void> {
    await em.query(`INSERT INTO referral_clicks (brand_id, id, member_id, client_hash) VALUES ($1, $2, $3, $4)`, [
      brandId,
      click.id,
      click.memberId,
      click.clientHash,
    ]);
  }

  /** Share-link clicks of a past written set-based: `select` yields id, member_id, client_hash and created_at, as `insertHistory`. */
  async insertClickHistory(em: EntityManager, brandId: string, select: string, params: unknown[] = []): Promise<void> {
    await em.query(
      `INSERT INTO referral_clicks (brand_id, id, member_id, client_hash, created_at)
       SELECT $1, s.id, s.member_id, s.client_hash, s.created_at FROM (${select}) s`,
      [brandId, ...params],
    );
  }

  /** What a referrer sees of their referrals: clicks, counts by status, points earned through them. */
  async statsFor(
    em: EntityManager,
    brandId: string,
    memberId: string,
  ): Promise<{ clicks: number; pending: number; qualified: number; rejected: number; points: number }> {
    const rows = await queryRows<{
      clicks: string;
      pending: string;
      qualified: string;
      rejected: string;
      points: string;
    }>(
      em,
      `SELECT (SELECT count(*) FROM referral_clicks WHERE brand_id = $1 AND member_id = $2) AS clicks,
              count(*) FILTER (WHERE r.status = 'pending') AS pending,
              count(*) FILTER (WHERE r.status IN ('qualified', 'rewarded')) AS qualified,
              count(*) FILTER (WHERE r.status = 'rejected') AS rejected,
              (SELECT coalesce(sum(l.points), 0) FROM ledger_entries l JOIN events e ON e.brand_id = l.brand_id AND e.id = l.event_id
                WHERE l.brand_id = $1 AND l.member_id = $2 AND e.type = 'referral') AS points
         FROM referrals r WHERE r.brand_id = $1 AND r.referrer_id = $2`,
      [brandId, memberId],
    );
    const r = rows[0];
    return {
      clicks: Number(r.clicks),
      pending: Number(r.pending),
      qualified: Number(r.qualified),
      rejected: Number(r.rejected),
      points: Number(r.points),
    };
  }
}

/**
 * The members an event list may reward as referrers, to lock with the list's members (in the
 * same sorted statement): the referrers of the pending referrals of `referees` (the members
 * sending a qualifying event, by id or externalId) and the owners of the referral `codes` that
 * members enrolling with the list bring.
 */
export function referrersToLock(
  referees: { ids: string[]; externalIds: string[] },
  codes: string[],
): MemberIdQuery | null {
  if (referees.ids.length === 0 && referees.externalIds.length === 0 && codes.length === 0) {
    return null;
  }
  return {
    params: [referees.ids, referees.externalIds, codes.map((c) => c.toUpperCase())],
    sql: (at) =>
      `SELECT referrer_id FROM referrals
            WHERE brand_id = $1 AND status = 'pending' AND referrer_id IS NOT NULL AND referee_id = ANY(ARRAY(
              SELECT id FROM members WHERE brand_id = $1 AND id = ANY($${at}::uuid[])
              UNION ALL
              SELECT id FROM members WHERE brand_id = $1 AND external_id = ANY($${at + 1}::text[])))
          UNION ALL
          SELECT id FROM members WHERE brand_id = $1 AND referral_code = ANY($${at + 2}::text[])`,
  };
}

/** The referrals' part of an event write: referrals this list qualified and rewarded. */
export function rewardedReferrals(
  referrals: Array<{ id: string; qualifyingEventId: string; referralEventId: string }>,
): WriteFragment | null {
  if (referrals.length === 0) {
    return null;
  }
  return {
    name: 'referral_outcomes',
    params: [
      JSON.stringify(
        referrals.map((r) => ({
          id: r.id,
          qualifying_event_id: r.qualifyingEventId,
          referral_event_id: r.referralEventId,
        })),
      ),
      // The ids as an array the planner can count (the JSON's guess of 100 rows picks a scan of the brand's referrals).
      referrals.map((r) => r.id),
    ],
    cte: (at) =>
      `UPDATE referrals r SET status = 'rewarded', qualified_at = now(), rewarded_at = now(),
              qualifying_event_id = q.qualifying_event_id, referral_event_id = q.referral_event_id
         FROM json_to_recordset($${at}::json) AS q(id uuid, qualifying_event_id uuid, referral_event_id uuid)
        WHERE r.brand_id = $1 AND r.id = ANY($${at + 1}::uuid[]) AND r.id = q.id AND r.status = 'pending'`,
  };
}
