import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

/** One-time claim tokens (hashes only) that trade for a member token. */
@Injectable()
export class ClaimsRepository {
  async insert(
    em: EntityManager,
    brandId: string,
    c: { id: string; memberId: string; tokenHash: string; expiresAt: Date },
  ): Promise<void> {
    await em.query(`INSERT INTO claims (brand_id, id, member_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
      brandId,
      c.id,
      c.memberId,
      c.tokenHash,
      c.expiresAt,
    ]);
  }

  /**
   * Marks a live claim used, in one statement (two concurrent claims of one token: one wins).
   * Answers its brand and member, or whether the token exists at all.
   */
  async redeem(
    em: EntityManager,
    tokenHash: string,
  ): Promise<{ brandId: string; memberId: string } | 'gone' | 'unknown'> {
    const rows = await queryRows<{ brand_id: string; member_id: string }>(
      em,
      `UPDATE claims SET claimed_at = now()
        WHERE token_hash = $1 AND claimed_at IS NULL AND expires_at > now()
        RETURNING brand_id, member_id`,
      [tokenHash],
    );
    if (rows.length) {
      return { brandId: rows[0].brand_id, memberId: rows[0].member_id };
    }
    const known = await queryRows(em, `SELECT 1 FROM claims WHERE token_hash = $1`, [tokenHash]);
    return known.length ? 'gone' : 'unknown';
  }
}
