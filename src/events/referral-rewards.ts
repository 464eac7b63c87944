import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { MembersRepository } from '../members/members.repository.js';
import { type Referral, ReferralsRepository } from '../referrals/referrals.repository.js';
import type { LockedMembers } from './event-members.js';

/**
 * A referrer had to be locked out of id order: the transaction is run again with the
 * referrer locked up front, so that every transaction still locks members in id order. The
 * lock statement finds the referrers before it locks, so this is only reached when a referral
 * was made for a member of the list while the statement ran (between its read and its lock).
 */
export class RelockNeeded extends Error {
  constructor(readonly ids: string[]) {
    super('referrers must be locked in id order');
  }
}

/** Finds the pending referrals a list of events may qualify, and locks their referrers. */
@Injectable()
export class ReferralRewards {
  constructor(
    private readonly referrals: ReferralsRepository,
    private readonly members: MembersRepository,
  ) {}

  /** By referee id. Costs a query only when a referred member sends the qualifying event type. */
  async prepare(
    em: EntityManager,
    brand: AuthenticatedBrand,
    locked: LockedMembers,
    events: Array<{ type: string; memberId: string }>,
  ): Promise<Map<string, Referral>> {
    const qualifying = brand.settings.referral.qualifyingEvent;
    const referees = [
      ...new Set(
        events.filter((e) => e.type === qualifying && locked.byId.get(e.memberId)?.referredBy).map((e) => e.memberId),
      ),
    ];
    if (referees.length === 0) {
      return new Map();
    }
    const pending = (await this.referrals.pendingForReferees(em, brand.id, referees)).filter(
      (r) => r.referrerId !== null,
    );
    const missing = [...new Set(pending.map((r) => r.referrerId!).filter((id) => !locked.byId.has(id)))].sort();
    if (missing.length) {
      // Rare: see RelockNeeded. Locking past the highest id held keeps the order; below it, rerun.
      // uuid order in PostgreSQL is the order of their lower-case hex text
      const highest = [...locked.byId.keys()].sort().at(-1)!;
      if (missing[0] <= highest) {
        throw new RelockNeeded(missing);
      }
      for (const m of await this.members.lock(em, brand.id, missing, [])) {
        locked.byId.set(m.id, m);
      }
    }
    return new Map(pending.map((r) => [r.refereeId, r]));
  }
}
