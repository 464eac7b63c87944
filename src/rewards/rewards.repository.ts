import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { queryPrepared, queryRows } from '../database/query-rows.js';
import type { Reward, RewardKind } from './reward.js';

/** An unbounded reward's redemptions are its row's counter plus its stripes (a bounded one has no stripes). */
const REDEEMED = `CASE WHEN stock IS NULL AND kind <> 'coupon'
  THEN redeemed + coalesce((SELECT sum(s.redeemed) FROM reward_redemption_counts s
                             WHERE s.brand_id = rewards.brand_id AND s.reward_id = rewards.id), 0)
  ELSE redeemed END AS redeemed`;

const COLUMNS = `brand_id, id, name, description, kind, cost_points, stock, ${REDEEMED}, codes_unused, per_member_limit, stages, tiers,
  content_url, perk_text, valid_from, valid_until, active, token_gate_min_balance::text AS token_gate_min_balance, created_at, updated_at`;

/** Stripes of an unbounded reward's count: concurrent redemptions rarely meet on one. */
const STRIPES = 32;

/** What a brand sets on a reward; the counters (redeemed, codes_unused) are the repository's. */
export type RewardTerms = Omit<Reward, 'brandId' | 'redeemed' | 'codesUnused' | 'createdAt' | 'updatedAt'>;

export interface RewardFilter {
  active?: boolean;
  kind?: RewardKind;
  /** The last id of the previous page. */
  after?: string;
  limit: number;
}

/** The catalog and its coupon code pools. Deleted rewards are invisible except to `lock(…, true)`. */
@Injectable()
export class RewardsRepository {
  async insert(em: EntityManager, brandId: string, t: RewardTerms): Promise<Reward> {
    const rows = await queryRows(
      em,
      `INSERT INTO rewards (brand_id, id, name, description, kind, cost_points, stock, per_member_limit, stages, tiers,
                            content_url, perk_text, valid_from, valid_until, active, token_gate_min_balance)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       RETURNING ${COLUMNS}`,
      [
        brandId,
        t.id,
        t.name,
        t.description,
        t.kind,
        t.costPoints,
        t.stock,
        t.perMemberLimit,
        t.stages,
        t.tiers,
        t.contentUrl,
        t.perkText,
        t.validFrom,
        t.validUntil,
        t.active,
        t.tokenGateMinBalance,
      ],
    );
    return toReward(rows[0]);
  }

  find(em: EntityManager, brandId: string, id: string, withDeleted = false): Promise<Reward | null> {
    return this.select(em, brandId, id, withDeleted, '');
  }

  /**
   * Locks the reward row: its counters are read-modify-written. Redemptions lock the member
   * first and the reward second, everywhere, so two of them never wait on each other in a circle.
   * A cancellation still returns stock to a deleted reward (`withDeleted`).
   */
  lock(em: EntityManager, brandId: string, id: string, withDeleted = false): Promise<Reward | null> {
    return this.select(em, brandId, id, withDeleted, 'FOR UPDATE');
  }

  /**
   * Reads the reward with a share lock: any number of redemptions of an unbounded reward hold it
   * at once, while an edit (which locks FOR UPDATE) waits for them and they wait for it, so a
   * redemption always acts on the reward's current terms and an edit folds in every count.
   */
  share(em: EntityManager, brandId: string, id: string, withDeleted = false): Promise<Reward | null> {
    return this.select(em, brandId, id, withDeleted, 'FOR SHARE');
  }

  private async select(
    em: EntityManager,
    brandId: string,
    id: string,
    withDeleted: boolean,
    lock: '' | 'FOR UPDATE' | 'FOR SHARE',
  ): Promise<Reward | null> {
    // Prepared inside a transaction (a redemption's share or lock): planned once per connection, not per call.
    const rows = await queryPrepared(
      em,
      `SELECT ${COLUMNS} FROM rewards WHERE brand_id = $1 AND id = $2 AND ($3::boolean OR deleted_at IS NULL) ${lock}`,
      [brandId, id, withDeleted],
    );
    return rows.length ? toReward(rows[0]) : null;
  }

  async list(em: EntityManager, brandId: string, f: RewardFilter): Promise<Reward[]> {
    const rows = await queryRows(
      em,
      `SELECT ${COLUMNS} FROM rewards
        WHERE brand_id = $1 AND deleted_at IS NULL
          AND ($2::boolean IS NULL OR active = $2)
          AND ($3::text IS NULL OR kind = $3)
          AND ($4::uuid IS NULL OR id > $4::uuid)
        ORDER BY id LIMIT $5`,
      [brandId, f.active ?? null, f.kind ?? null, f.after ?? null, f.limit],
    );
    return rows.map(toReward);
  }

  /**
   * Writes the brand's terms (a full set: the service merged the patch). The row is locked, so no
   * redemption is under way: the stripes are folded into the row first, and a reward given a
   * stock now counts on its row from the exact figure.
   */
  async update(em: EntityManager, brandId: string, t: RewardTerms): Promise<Reward> {
    await em.query(
      `WITH folded AS (DELETE FROM reward_redemption_counts WHERE brand_id = $1 AND reward_id = $2 RETURNING redeemed AS n)
       UPDATE rewards SET redeemed = redeemed + (SELECT sum(n) FROM folded)
        WHERE brand_id = $1 AND id = $2 AND EXISTS (SELECT FROM folded)`,
      [brandId, t.id],
    );
    const rows = await queryRows(
      em,
      `UPDATE rewards SET name = $3, description = $4, cost_points = $5, stock = $6, per_member_limit = $7, stages = $8, tiers = $9,
              content_url = $10, perk_text = $11, valid_from = $12, valid_until = $13, active = $14, token_gate_min_balance = $15, updated_at = now()
        WHERE brand_id = $1 AND id = $2 AND deleted_at IS NULL
        RETURNING ${COLUMNS}`,
      [
        brandId,
        t.id,
        t.name,
        t.description,
        t.costPoints,
        t.stock,
        t.perMemberLimit,
        t.stages,
        t.tiers,
        t.contentUrl,
        t.perkText,
        t.validFrom,
        t.validUntil,
        t.active,
        t.tokenGateMinBalance,
      ],
    );
    return toReward(rows[0]);
  }

  async softDelete(em: EntityManager, brandId: string, id: string): Promise<boolean> {
    const rows = await queryRows(
      em,
      `UPDATE rewards SET deleted_at = now(), active = false, updated_at = now() WHERE brand_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id`,
      [brandId, id],
    );
    return rows.length > 0;
  }

  /** Moves the counters of a locked reward: a redemption (+1) or a cancellation (-1), and a code taken from the pool. */
  async count(em: EntityManager, brandId: string, id: string, redeemed: number, codesUnused: number): Promise<void> {
    await queryPrepared(
      em,
      `UPDATE rewards SET redeemed = redeemed + $3, codes_unused = codes_unused + $4 WHERE brand_id = $1 AND id = $2`,
      [brandId, id, redeemed, codesUnused],
    );
  }

  /**
   * Counts a redemption (+1) or a cancellation (-1) of an unbounded reward on one of its stripes,
   * under the reward's share lock. Any stripe will do: only their sum is read.
   */
  async countUnbounded(em: EntityManager, brandId: string, id: string, redeemed: number): Promise<void> {
    await queryPrepared(
      em,
      `INSERT INTO reward_redemption_counts (brand_id, reward_id, stripe, redeemed) VALUES ($1, $2, $3, $4)
       ON CONFLICT (brand_id, reward_id, stripe) DO UPDATE SET redeemed = reward_redemption_counts.redeemed + EXCLUDED.redeemed`,
      [brandId, id, Math.floor(Math.random() * STRIPES), redeemed],
    );
  }

  /**
   * Adds codes to a coupon's pool in one statement, in upload order; codes already in it are skipped. Answers
   * how many were new, and counts them into codes_unused (the caller holds the reward's lock).
   */
  async addCodes(em: EntityManager, brandId: string, rewardId: string, codes: string[]): Promise<number> {
    const rows = await queryRows<{ added: number }>(
      em,
      `WITH added AS (
         INSERT INTO reward_codes (brand_id, id, reward_id, code)
         SELECT $1, c.id, $2, c.code FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS c(id, code, n)
         ORDER BY c.n
         ON CONFLICT (brand_id, reward_id, code) DO NOTHING
         RETURNING 1)
       UPDATE rewards SET codes_unused = codes_unused + (SELECT count(*) FROM added), updated_at = now()
        WHERE brand_id = $1 AND id = $2
       RETURNING (SELECT count(*) FROM added)::int AS added`,
      [brandId, rewardId, codes.map(() => newId()), codes],
    );
    return rows[0].added;
  }

  /**
   * Hands out the first uploaded unused code of a coupon to a redemption. SKIP LOCKED: a code another
   * transaction is taking is passed over rather than waited for.
   */
  async claimCode(
    em: EntityManager,
    brandId: string,
    rewardId: string,
    redemptionId: string,
    at: Date,
  ): Promise<{ id: string; code: string } | null> {
    const rows = await queryRows<{ id: string; code: string }>(
      em,
      `WITH next AS (
         SELECT id FROM reward_codes WHERE brand_id = $1 AND reward_id = $2 AND status = 'unused'
          ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
       UPDATE reward_codes c SET status = 'issued', redemption_id = $3, issued_at = $4
         FROM next WHERE c.brand_id = $1 AND c.id = next.id
       RETURNING c.id, c.code`,
      [brandId, rewardId, redemptionId, at],
    );
    return rows[0] ?? null;
  }

  /** A cancelled redemption's code is void: it was shown to the member, so it is never reissued. */
  async voidCode(em: EntityManager, brandId: string, codeId: string, at: Date): Promise<void> {
    await em.query(`UPDATE reward_codes SET status = 'void', voided_at = $3 WHERE brand_id = $1 AND id = $2`, [
      brandId,
      codeId,
      at,
    ]);
  }
}

function toReward(r: Record<string, unknown>): Reward {
  return {
    brandId: r.brand_id as string,
    id: r.id as string,
    name: r.name as string,
    description: (r.description as string | null) ?? null,
    kind: r.kind as RewardKind,
    costPoints: Number(r.cost_points),
    stock: r.stock === null ? null : Number(r.stock),
    redeemed: Number(r.redeemed),
    codesUnused: Number(r.codes_unused),
    perMemberLimit: r.per_member_limit === null ? null : Number(r.per_member_limit),
    stages: r.stages as string[],
    tiers: r.tiers as string[],
    contentUrl: (r.content_url as string | null) ?? null,
    perkText: (r.perk_text as string | null) ?? null,
    validFrom: (r.valid_from as Date | null) ?? null,
    validUntil: (r.valid_until as Date | null) ?? null,
    active: r.active as boolean,
    tokenGateMinBalance:
      r.token_gate_min_balance === null || r.token_gate_min_balance === undefined
        ? null
        : trimDecimal(r.token_gate_min_balance as string),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

/** numeric text without trailing zeros: "10.000000000000000000" → "10". */
function trimDecimal(v: string): string {
  return v.includes('.') ? v.replace(/\.?0+$/, '') : v;
}
