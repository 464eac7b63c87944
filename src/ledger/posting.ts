/**
 * How ledger entries move a member's balance: the one place balances are computed. Pure: the
 * pipeline, adjustments, redemptions and the jobs all post through these operations, so the
 * balance always equals the sum of entries (by status), and each entry's `balanceAfter` is the
 * running total.
 */
export type EntryKind = 'earn' | 'redeem' | 'expire' | 'reverse' | 'adjust';
export type EntryStatus = 'pending' | 'available';

export interface Balance {
  pointsAvailable: number;
  pointsPending: number;
  lifetimeEarned: number;
}

/** A balance with the member it belongs to: what an operation posts to (a locked member row). */
export interface Account extends Balance {
  id: string;
}

export interface Posting {
  kind: EntryKind;
  status: EntryStatus;
  points: number;
  eventId?: string | null;
  ruleId?: string | null;
  ruleVersion?: number | null;
  redemptionId?: string | null;
  reason?: string | null;
  actor?: string | null;
  availableAt: Date;
  expiresAt?: Date | null;
}

export interface LedgerEntryDraft extends Posting {
  id: string;
  memberId: string;
  /** The member's total (available + pending) after this entry. */
  balanceAfter: number;
}

/** What an operation answers: the finished entry and the member's balance after it. */
export interface Posted {
  entry: LedgerEntryDraft;
  balance: Balance;
}

/** The fields of an entry an operation takes from its caller (the kind and sign are the operation's). */
export type EntryTerms = Omit<Posting, 'kind' | 'points'> & { id: string; points: number };

/** Points earned (by a rule) or granted (a manual adjustment): `points` > 0, counted in lifetime earned. */
export function credit(account: Account, terms: EntryTerms & { kind?: 'earn' | 'adjust' }): Posted {
  positive(terms.points);
  return posted(account, { ...terms, kind: terms.kind ?? 'earn' });
}

/** Points spent (a redemption) or taken (a manual adjustment): `points` > 0 is the amount taken. */
export function debit(account: Account, terms: EntryTerms & { kind: 'redeem' | 'adjust' }): Posted {
  positive(terms.points);
  return posted(account, { ...terms, points: -terms.points });
}

/**
 * Undoes an earlier movement, never counting as earning: a refund takes back what a purchase
 * earned (`points` < 0, the balance may go below zero), a cancelled redemption gives its cost
 * back (`points` > 0).
 */
export function reverse(account: Account, terms: EntryTerms): Posted {
  return posted(account, { ...terms, kind: 'reverse' });
}

/** What is left of a lapsed lot leaves the available balance: `points` > 0 is the amount expiring. */
export function expire(account: Account, terms: Omit<EntryTerms, 'status'>): Posted {
  positive(terms.points);
  return posted(account, { ...terms, kind: 'expire', status: 'available', points: -terms.points });
}

/**
 * Pending points come due: their entries' status flips (no new entry), and the balance moves
 * from pending to available by the same amount, so the total stays and so does every
 * `balanceAfter`.
 */
export function mature(account: Account, points: number): Balance {
  positive(points);
  account.pointsPending -= points;
  account.pointsAvailable += points;
  return snapshot(account);
}

/** A manual adjustment of either sign: a credit or a debit of kind `adjust`. */
export function adjust(account: Account, terms: EntryTerms): Posted {
  return terms.points > 0
    ? credit(account, { ...terms, kind: 'adjust' })
    : debit(account, { ...terms, kind: 'adjust', points: -terms.points });
}

function posted(account: Account, posting: Posting & { id: string }): Posted {
  const entry: LedgerEntryDraft = { ...posting, memberId: account.id, balanceAfter: post(account, posting) };
  return { entry, balance: snapshot(account) };
}

/** Applies one posting to a balance in place and answers the total after it. */
export function post(balance: Balance, posting: Posting): number {
  if (!Number.isSafeInteger(posting.points) || posting.points === 0) {
    throw new Error(`ledger: points must be a non-zero integer, got ${posting.points}`);
  }
  if (posting.status === 'pending') {
    balance.pointsPending += posting.points;
  } else {
    balance.pointsAvailable += posting.points;
  }
  if (posting.points > 0 && (posting.kind === 'earn' || posting.kind === 'adjust')) {
    balance.lifetimeEarned += posting.points;
  }
  return balance.pointsAvailable + balance.pointsPending;
}

function positive(points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0) {
    throw new Error(`ledger: an amount must be a positive integer, got ${points}`);
  }
}

function snapshot(b: Balance): Balance {
  return { pointsAvailable: b.pointsAvailable, pointsPending: b.pointsPending, lifetimeEarned: b.lifetimeEarned };
}
