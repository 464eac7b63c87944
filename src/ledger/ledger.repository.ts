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
  /** All entries of a transaction in one statement, in the order given (seq follows it). */
  async insert(em: EntityManager, brandId: string, entries: LedgerEntryDraft[]): Promise<void> {
    if (entries.length === 0) return;
    await em.query(
      `INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, event_id, rule_id, rule_version,
                                   redemption_id, reason, actor, available_at, expires_at)
       SELECT $1, e.id, e.member_id, e.kind, e.status, e.points, e.balance_after, e.event_id, e.rule_id, e.rule_version,
              e.redemption_id, e.reason, e.actor, e.available_at, e.expires_at
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::uuid[], $9::uuid[],
                                $10::int[], $11::uuid[], $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[])
              WITH ORDINALITY AS e(id, member_id, kind, status, points, balance_after, event_id, rule_id, rule_version,
                                   redemption_id, reason, actor, available_at, expires_at, n)
       ORDER BY n`,
      [
        brandId,
        entries.map((e) => e.id),
        entries.map((e) => e.memberId),
        entries.map((e) => e.kind),
        entries.map((e) => e.status),
        entries.map((e) => e.points),
        entries.map((e) => e.balanceAfter),
        entries.map((e) => e.eventId ?? null),
        entries.map((e) => e.ruleId ?? null),
        entries.map((e) => e.ruleVersion ?? null),
        entries.map((e) => e.redemptionId ?? null),
        entries.map((e) => e.reason ?? null),
        entries.map((e) => e.actor ?? null),
        entries.map((e) => e.availableAt),
        entries.map((e) => e.expiresAt ?? null),
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
}
