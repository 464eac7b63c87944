import type { WriteFragment } from '../database/write-fragment.js';

/** A token-mint outbox row: minted later by the chain worker, never inside the transaction. */
export interface QueuedMint {
  id: string;
  memberId: string;
  eventId: string;
  ruleId: string;
  amount: string;
}

/** The token-mint outbox's part of an event write. */
export function queuedMints(mints: QueuedMint[]): WriteFragment | null {
  if (mints.length === 0) {
    return null;
  }
  return {
    name: 'mints',
    params: [
      JSON.stringify(
        mints.map((m) => ({
          id: m.id,
          member_id: m.memberId,
          event_id: m.eventId,
          rule_id: m.ruleId,
          amount: m.amount,
        })),
      ),
    ],
    cte: (at) =>
      `INSERT INTO token_mints (brand_id, id, member_id, event_id, rule_id, amount)
       SELECT $1, t.id, t.member_id, t.event_id, t.rule_id, t.amount
         FROM json_to_recordset($${at}::json) AS t(id uuid, member_id uuid, event_id uuid, rule_id uuid, amount numeric)`,
  };
}
