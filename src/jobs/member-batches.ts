import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../database/transaction.js';

/** Members per transaction: their rows stay locked until it commits. */
export const MEMBERS_PER_BATCH = 1_000;

/** What one batch did: `last` is the highest member id it visited, or null when it was the last batch. */
export interface MemberBatch {
  last: string | null;
}

/**
 * A job's pass over one brand's members, a batch per transaction in id order (keyset pages after
 * the previous batch's last id). `batch` answers null when nothing is left. `committed` runs
 * once each batch has committed, so a transaction run again after a deadlock never counts twice.
 */
export async function inMemberBatches<B extends MemberBatch>(
  db: DataSource,
  batch: (em: EntityManager, after: string | null) => Promise<B | null>,
  committed: (done: B) => void,
): Promise<void> {
  for (let after: string | null = null; ;) {
    const from: string | null = after;
    const done: B | null = await inTransaction(db, (em) => batch(em, from));
    if (done === null) {
      return;
    }
    committed(done);
    if (done.last === null) {
      return;
    }
    after = done.last;
  }
}

/** The `last` of a batch of these ids: null when the page was not full (nothing after it). */
export function lastOf(ids: string[]): string | null {
  return ids.length < MEMBERS_PER_BATCH ? null : ids[ids.length - 1];
}
