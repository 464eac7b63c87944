import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared, queryRows } from '../database/query-rows.js';
import { type WriteFragment, writeTogether } from '../database/write-fragment.js';
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

/**
 * The append-only ledger: entries are inserted, never changed in points; a correction is a new
 * entry. Beside the points, a credit's `lot_remaining` tracks what is left of it to spend, and a
 * pending entry's `status` flips to available when it matures. Every write of the table is here.
 */
@Injectable()
export class LedgerRepository {
  /** Inserts entries; their debits spend lots. Answers the lots spent. */
  async insert(em: EntityManager, brandId: string, entries: LedgerEntryDraft[]): Promise<LotSpend[]> {
    await writeTogether(em, brandId, [ledgerEntries(entries, { spendLots: false })]);
    return this.consumeLots(em, brandId, entries);
  }

  /**
   * A credit that undoes a debit (a cancelled redemption): the entry is not a lot of its own;
   * the lots the debit spent get their points back, with their own expiry.
   */
  async insertRestoring(em: EntityManager, brandId: string, entry: LedgerEntryDraft, spent: LotSpend[]): Promise<void> {
    await writeTogether(em, brandId, [
      ledgerEntries([entry], { spendLots: false, openLots: false }),
      restoredLots(spent),
    ]);
  }

  /** Inserts entries whose debits were already matched to lots (expiry closes the lots it expires). */
  async insertWithoutSpending(em: EntityManager, brandId: string, entries: LedgerEntryDraft[]): Promise<void> {
    await writeTogether(em, brandId, [ledgerEntries(entries, { spendLots: false })]);
  }

  /**
   * A past written set-based (the Demo brand's history, the bench), its running balances and
   * lots worked out by the caller: `select` is trusted SQL that yields id, member_id, kind,
   * status, points, balance_after, event_id, rule_id, reason, actor, available_at, created_at and
   * lot_remaining; $1 is the brand, `params` follow from $2.
   */
  async insertHistory(em: EntityManager, brandId: string, select: string, params: unknown[] = []): Promise<void> {
    await em.query(
      `INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, event_id, rule_id,
                                   reason, actor, available_at, created_at, lot_remaining)
       SELECT $1, s.id, s.member_id, s.kind, s.status, s.points, s.balance_after, s.event_id, s.rule_id,
              s.reason, s.actor, s.available_at, s.created_at, s.lot_remaining
         FROM (${select}) s`,
      [brandId, ...params],
    );
  }

  /**
   * Debits spend lots oldest-expiring first (never-expiring last, then in commit order), each
   * from lots of its own status. The members must be locked. Past the lots (a reversal may take
   * a balance below zero) nothing is left to spend.
   */
  consumeLots(
    em: EntityManager,
    brandId: string,
    entries: Array<Pick<LedgerEntryDraft, 'memberId' | 'status' | 'points'>>,
  ): Promise<LotSpend[]> {
    return spendLots(em, brandId, entries);
  }

  /** Members with a pending entry due by `now`, in id order after `afterId` (keyset pages). */
  async membersWithDuePending(
    em: EntityManager,
    brandId: string,
    now: Date,
    afterId: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await queryRows<{ member_id: string }>(
      em,
      `SELECT DISTINCT member_id FROM ledger_entries
        WHERE brand_id = $1 AND status = 'pending' AND available_at <= $2
          AND ($3::uuid IS NULL OR member_id > $3::uuid)
        ORDER BY member_id LIMIT $4`,
      [brandId, now, afterId, limit],
    );
    return rows.map((r) => r.member_id);
  }

  /**
   * Makes these members' due entries available (the one change an entry ever sees besides its
   * lot: never its points); answers the points (and entries) moved per member. The members
   * must be locked: their balances move by the same amounts.
   */
  async matureDue(
    em: EntityManager,
    brandId: string,
    memberIds: string[],
    now: Date,
  ): Promise<Map<string, { entries: number; points: number }>> {
    if (memberIds.length === 0) {
      return new Map();
    }
    const rows = await queryRows<{ member_id: string; entries: string; points: string }>(
      em,
      `WITH matured AS (
         UPDATE ledger_entries SET status = 'available'
          WHERE brand_id = $1 AND member_id = ANY($2::uuid[]) AND status = 'pending' AND available_at <= $3
          RETURNING member_id, points)
       SELECT member_id, count(*) AS entries, sum(points) AS points FROM matured GROUP BY member_id`,
      [brandId, memberIds, now],
    );
    return new Map(rows.map((r) => [r.member_id, { entries: Number(r.entries), points: Number(r.points) }]));
  }

  /** The member's next lapsing lots: the earliest expiry date and the points left that lapse then. */
  async nextExpiry(em: EntityManager, brandId: string, memberId: string): Promise<{ at: Date; points: number } | null> {
    const rows = await queryRows<{ expires_at: Date; points: string }>(
      em,
      `SELECT expires_at, sum(lot_remaining) AS points FROM ledger_entries
        WHERE brand_id = $1 AND member_id = $2 AND lot_remaining > 0 AND expires_at IS NOT NULL
        GROUP BY expires_at ORDER BY expires_at LIMIT 1`,
      [brandId, memberId],
    );
    return rows.length ? { at: rows[0].expires_at, points: Number(rows[0].points) } : null;
  }

  /** Members with available lots lapsed by `now`, in id order after `afterId`. */
  async membersWithLapsedLots(
    em: EntityManager,
    brandId: string,
    now: Date,
    afterId: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await queryRows<{ member_id: string }>(
      em,
      `SELECT DISTINCT member_id FROM ledger_entries
        WHERE brand_id = $1 AND lot_remaining > 0 AND expires_at <= $2 AND status = 'available' AND ($3::uuid IS NULL OR member_id > $3::uuid)
        ORDER BY member_id LIMIT $4`,
      [brandId, now, afterId, limit],
    );
    return rows.map((r) => r.member_id);
  }

  /** The lapsed available lots of these (locked) members, oldest first, and closes them. */
  async closeLapsedLots(
    em: EntityManager,
    brandId: string,
    memberIds: string[],
    now: Date,
  ): Promise<Array<{ id: string; memberId: string; remaining: number }>> {
    const rows = await queryRows<{ id: string; member_id: string; remaining: string; expires_at: Date; seq: string }>(
      em,
      `WITH lapsed AS (
         SELECT id, lot_remaining FROM ledger_entries
          WHERE brand_id = $1 AND member_id = ANY($2::uuid[]) AND lot_remaining > 0 AND expires_at <= $3 AND status = 'available'
          FOR UPDATE)
       UPDATE ledger_entries e SET lot_remaining = 0 FROM lapsed
        WHERE e.brand_id = $1 AND e.id = lapsed.id
       RETURNING e.id, e.member_id, lapsed.lot_remaining AS remaining, e.expires_at, e.seq`,
      [brandId, memberIds, now],
    );
    return rows
      .sort((a, b) => a.expires_at.getTime() - b.expires_at.getTime() || Number(a.seq) - Number(b.seq))
      .map((r) => ({ id: r.id, memberId: r.member_id, remaining: Number(r.remaining) }));
  }

  /** Newest first; the cursor is the seq of the last entry of the previous page. */
  async listForMember(
    em: EntityManager,
    brandId: string,
    memberId: string,
    cursor: string | null,
    limit: number,
  ): Promise<LedgerEntryRow[]> {
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
  async earnedSince(
    em: EntityManager,
    brandId: string,
    memberIds: string[],
    since: Date,
  ): Promise<Map<string, number>> {
    if (memberIds.length === 0) {
      return new Map();
    }
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

/** Points a debit took from one lot. */
export interface LotSpend {
  lotId: string;
  points: number;
}

export interface LedgerWriteOptions {
  /** Debits spend open lots right after the insert (default); off when their lots are settled already. */
  spendLots?: boolean;
  /** Credits open a lot of their own (default); off for a credit that gives points back to the lots they came from. */
  openLots?: boolean;
}

/** The ledger's part of a combined write: its entries, in the order given (seq follows it). */
export function ledgerEntries(entries: LedgerEntryDraft[], options: LedgerWriteOptions = {}): WriteFragment | null {
  if (entries.length === 0) {
    return null;
  }
  const spend = (options.spendLots ?? true) && entries.some((e) => e.points < 0);
  return {
    name: 'ledger',
    params: [JSON.stringify(ledgerEntryRecords(entries, options.openLots ?? true))],
    cte: (at) =>
      `INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, event_id, rule_id, rule_version,
                                   redemption_id, reason, actor, available_at, expires_at, lot_remaining)
       SELECT $1, e.id, e.member_id, e.kind, e.status, e.points, e.balance_after, e.event_id, e.rule_id, e.rule_version,
              e.redemption_id, e.reason, e.actor, e.available_at, e.expires_at, e.lot_remaining
         FROM json_to_recordset($${at}::json) AS e(n int, id uuid, member_id uuid, kind text, status text, points bigint,
              balance_after bigint, event_id uuid, rule_id uuid, rule_version int, redemption_id uuid, reason text, actor text,
              available_at timestamptz, expires_at timestamptz, lot_remaining bigint)
        ORDER BY e.n`,
    // A separate statement: it must see the lots this write opens (a refund of a purchase in the same list).
    then: spend ? (em, brandId) => spendLots(em, brandId, entries) : undefined,
  };
}

/** Points given back to the lots a debit spent (they keep their own expiry). */
export function restoredLots(spent: LotSpend[]): WriteFragment | null {
  if (spent.length === 0) {
    return null;
  }
  return {
    name: 'ledger_lots_restored',
    // The ids again as an array the planner can count (the JSON's guess of 100 rows scans the brand's ledger).
    params: [JSON.stringify(spent), spent.map((s) => s.lotId)],
    cte: (at) =>
      `UPDATE ledger_entries e SET lot_remaining = e.lot_remaining + s.points
         FROM json_to_recordset($${at}::json) AS s("lotId" uuid, points bigint)
        WHERE e.brand_id = $1 AND e.id = ANY($${at + 1}::uuid[]) AND e.id = s."lotId"`,
  };
}

/** Entries as the JSON records the ledger fragment reads with json_to_recordset (n keeps their order). */
export function ledgerEntryRecords(entries: LedgerEntryDraft[], openLots = true): Array<Record<string, unknown>> {
  return entries.map((e, n) => ({
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
    lot_remaining: openLots && e.points > 0 ? e.points : null,
  }));
}

/**
 * Lots one pass of spending reads per member, soonest-spent first: a hot member's thousands of
 * open lots are not all read (and windowed) for a debit that a few of them cover.
 */
const LOTS_PER_PASS = 64;

async function spendLots(
  em: EntityManager,
  brandId: string,
  entries: Array<Pick<LedgerEntryDraft, 'memberId' | 'status' | 'points'>>,
): Promise<LotSpend[]> {
  let debits: Array<{ member_id: string; status: string; points: number }> = entries
    .filter((e) => e.points < 0)
    .map((d) => ({ member_id: d.memberId, status: d.status, points: d.points }));
  const spent: LotSpend[] = [];
  while (debits.length > 0) {
    // Prepared (its planning cost about as much as its run). Each member's first LOTS_PER_PASS open
    // lots, by index: the debit takes from them in order, exactly as from all of them when they cover it.
    const rows = await queryPrepared<{ id: string; member_id: string; status: string; need: string; taken: string }>(
      em,
      `WITH need AS (
         SELECT member_id, status, -sum(points) AS points
           FROM json_to_recordset($2::json) AS d(member_id uuid, status text, points bigint)
          GROUP BY member_id, status),
       lots AS (
         SELECT l.id, l.lot_remaining, n.member_id, n.status, n.points AS need,
                sum(l.lot_remaining) OVER (PARTITION BY n.member_id, n.status ORDER BY l.expires_at NULLS LAST, l.seq) AS upto
           FROM need n CROSS JOIN LATERAL (
             SELECT id, lot_remaining, expires_at, seq FROM ledger_entries
              WHERE brand_id = $1 AND member_id = n.member_id AND status = n.status AND lot_remaining > 0
              ORDER BY expires_at NULLS LAST, seq LIMIT $3) l)
       UPDATE ledger_entries e SET lot_remaining = LEAST(lots.lot_remaining, GREATEST(0, lots.upto - lots.need))
         FROM lots
        WHERE e.brand_id = $1 AND e.id = lots.id AND lots.upto - lots.lot_remaining < lots.need
       RETURNING e.id, lots.member_id, lots.status, lots.need, lots.lot_remaining - e.lot_remaining AS taken`,
      [brandId, JSON.stringify(debits), LOTS_PER_PASS],
    );
    spent.push(...rows.map((r) => ({ lotId: r.id, points: Number(r.taken) })));
    // A debit its first lots did not cover drained them all (each is a row here): if it read a full
    // pass there may be more, and the rest of it is spent from the next lots in the same order.
    const passes = new Map<string, { member_id: string; status: string; need: number; taken: number; lots: number }>();
    for (const r of rows) {
      const key = `${r.member_id}/${r.status}`;
      const p = passes.get(key) ?? {
        member_id: r.member_id,
        status: r.status,
        need: Number(r.need),
        taken: 0,
        lots: 0,
      };
      p.taken += Number(r.taken);
      p.lots += 1;
      passes.set(key, p);
    }
    debits = [...passes.values()]
      .filter((p) => p.taken < p.need && p.lots === LOTS_PER_PASS)
      .map((p) => ({ member_id: p.member_id, status: p.status, points: p.taken - p.need }));
  }
  return spent.filter((s) => s.points > 0);
}
