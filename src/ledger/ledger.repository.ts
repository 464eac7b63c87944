import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { LedgerEntryDraft } from './posting.js';

export interface LedgerEntryRow {
  id: string;
  seq: string;
  memberId: string;
  kind: string;
  status: string;
  points: number;
  balanceAfter: number;
  eventId: string | null;
  ruleId: string | null;
  ruleVersion: number | null;
  redemptionId: string | null;
  reason: string | null;
  actor: string | null;
  availableAt: Date;
  expiresAt: Date | null;
  createdAt: Date;
}

/** The append-only ledger: INSERT and SELECT only; a correction is a new entry. */
@Injectable()
export class LedgerRepository {
  /**
   * All entries of a transaction in one statement, in the order given (seq follows it). The
   * rows travel as one JSON parameter: cheaper to build and parse than fifteen array literals.
   */
  async insert(em: EntityManager, brandId: string, entries: LedgerEntryDraft[]): Promise<void> {
    if (entries.length === 0) return;
    await em.query(
      `INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, event_id, rule_id, rule_version,
                                   redemption_id, reason, actor, available_at, expires_at)
       SELECT $1, e.id, e.member_id, e.kind, e.status, e.points, e.balance_after, e.event_id, e.rule_id, e.rule_version,
              e.redemption_id, e.reason, e.actor, e.available_at, e.expires_at
         FROM json_to_recordset($2::json) AS e(id uuid, member_id uuid, kind text, status text, points bigint,
              balance_after bigint, event_id uuid, rule_id uuid, rule_version int, redemption_id uuid, reason text, actor text,
              available_at timestamptz, expires_at timestamptz, n int)
        ORDER BY e.n`,
      [
        brandId,
        JSON.stringify(
          entries.map((e, n) => ({
            n,
            id: e.id,
            member_id: e.memberId,
            kind: e.kind,
            status: e.status,
            points: e.points,
            balance_after: e.balanceAfter,
            event_id: e.eventId ?? null,
            rule_id: e.ruleId ?? null,
            rule_version: e.ruleVersion ?? null,
            redemption_id: e.redemptionId ?? null,
            reason: e.reason ?? null,
            actor: e.actor ?? null,
            available_at: e.availableAt,
            expires_at: e.expiresAt ?? null,
          })),
        ),
      ],
    );
  }

  /** Newest first; the cursor is the seq of the last entry of the previous page. */
  async listForMember(em: EntityManager, brandId: string, memberId: string, cursor: string | null, limit: number): Promise<LedgerEntryRow[]> {
    const rows = await queryRows(
      em,
      `SELECT id, seq, member_id, kind, status, points, balance_after, event_id, rule_id, rule_version, redemption_id,
              reason, actor, available_at, expires_at, created_at
         FROM ledger_entries
        WHERE brand_id = $1 AND member_id = $2 AND ($3::bigint IS NULL OR seq < $3::bigint)
        ORDER BY seq DESC LIMIT $4`,
      [brandId, memberId, cursor, limit + 1],
    );
    return rows.map((r) => ({
      id: r.id as string,
      seq: String(r.seq),
      memberId: r.member_id as string,
      kind: r.kind as string,
      status: r.status as string,
      points: Number(r.points),
      balanceAfter: Number(r.balance_after),
      eventId: (r.event_id as string | null) ?? null,
      ruleId: (r.rule_id as string | null) ?? null,
      ruleVersion: (r.rule_version as number | null) ?? null,
      redemptionId: (r.redemption_id as string | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      actor: (r.actor as string | null) ?? null,
      availableAt: r.available_at as Date,
      expiresAt: (r.expires_at as Date | null) ?? null,
      createdAt: r.created_at as Date,
    }));
  }

  /** Points each member earned since a time (tier qualification over a rolling window). */
  async earnedSince(em: EntityManager, brandId: string, memberIds: string[], since: Date): Promise<Map<string, number>> {
    if (memberIds.length === 0) return new Map();
    const rows = await queryRows<{ member_id: string; earned: string }>(
      em,
      `SELECT member_id, sum(points) AS earned FROM ledger_entries
        WHERE brand_id = $1 AND member_id = ANY($2::uuid[]) AND kind = 'earn' AND created_at >= $3
        GROUP BY member_id`,
      [brandId, memberIds, since],
    );
    return new Map(rows.map((r) => [r.member_id, Number(r.earned)]));
  }
}
