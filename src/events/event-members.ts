import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { newId } from '../common/ids.js';
import { StageChangesRepository } from '../journey/stage-changes.repository.js';
import type { Member } from '../members/member.entity.js';
import { type MemberIdQuery, MembersRepository, type NewMember } from '../members/members.repository.js';
import { referrersToLock } from '../referrals/referrals.repository.js';
import { newReferralCode } from '../members/referral-code.js';
import { ReferralAttribution } from '../referrals/referral-attribution.js';
import type { EventInput } from './event-input.js';

export interface LockedMembers {
  /** Every locked row by id (the members named, and any extra ids asked for). */
  byId: Map<string, Member>;
  /** The row a reference names; 'email_taken' when enrolling it hit another member's email. */
  memberOf(ref: EventInput['member']): Member | 'email_taken' | undefined;
}

/** The member rows a list of events needs, locked, enrolling unknown ones where the brand allows it. */
@Injectable()
export class EventMembers {
  constructor(
    private readonly members: MembersRepository,
    private readonly stageChanges: StageChangesRepository,
    private readonly attribution: ReferralAttribution,
  ) {}

  /**
   * Locks every member the list names, plus `alsoLock`, in id order (so transactions never
   * deadlock on each other), and in the same statement every referrer the list may reward: the
   * lock order is settled before the first lock is taken. Unknown externalIds are enrolled
   * first when autoEnroll is on, opening a referral when the reference carries a referral code.
   */
  async lock(
    em: EntityManager,
    brand: AuthenticatedBrand,
    inputs: EventInput[],
    now: Date,
    alsoLock: string[] = [],
  ): Promise<LockedMembers> {
    const ids = unique([...inputs.map((e) => e.member.id), ...alsoLock]);
    const externalIds = unique(inputs.filter((e) => !e.member.id).map((e) => e.member.externalId));
    const byId = new Map<string, Member>();
    const byExternalId = new Map<string, Member>();
    const index = (members: Member[]) => members.forEach((m) => (byId.set(m.id, m), byExternalId.set(m.externalId, m)));
    index(await this.members.lock(em, brand.id, ids, externalIds, referrersOf(brand, inputs)));

    const toEnrol = brand.settings.autoEnroll ? externalIds.filter((x) => !byExternalId.has(x)) : [];
    const enrolled = new Set<string>();
    if (toEnrol.length) {
      const refOf = new Map(
        inputs.filter((e) => e.member.externalId && !e.member.id).map((e) => [e.member.externalId!, e.member]),
      );
      const fresh: NewMember[] = toEnrol.map((externalId) => ({
        id: newId(),
        externalId,
        email: refOf.get(externalId)?.email ?? null,
        stage: brand.stages[0].key,
        walletAddress: null,
        source: 'api',
        referralCode: newReferralCode(),
        enrolledAt: now,
      }));
      await this.members.insertMissing(em, brand.id, fresh);
      const locked = await this.members.lock(em, brand.id, [], toEnrol);
      index(locked);
      const freshIds = new Set(fresh.map((m) => m.id));
      const entered = locked.filter((m) => freshIds.has(m.id));
      entered.forEach((m) => enrolled.add(m.externalId));
      await this.stageChanges.insert(
        em,
        brand.id,
        entered.map((m) => ({
          id: newId(),
          memberId: m.id,
          from: null,
          to: m.stage,
          eventId: null,
          ruleId: null,
          cause: 'enrollment',
        })),
      );
      for (const m of entered) {
        const code = refOf.get(m.externalId)?.referralCode;
        if (!code) {
          continue;
        }
        const referral = await this.attribution.open(em, brand, m, code, false, now);
        if (referral?.status === 'pending') {
          m.referredBy = referral.referrerId;
        }
      }
    }
    return {
      byId,
      memberOf(ref) {
        if (ref.id) {
          return byId.get(ref.id);
        }
        const m = byExternalId.get(ref.externalId!);
        // An enrolment that inserted nothing although the externalId is new hit the email index.
        if (!m && toEnrol.includes(ref.externalId!) && !enrolled.has(ref.externalId!)) {
          return 'email_taken';
        }
        return m;
      },
    };
  }
}

/**
 * The referrers a list may reward, found by the lock statement itself (a read without locks):
 * those of pending referrals of members sending the qualifying event, and the owners of the
 * referral codes enrolling members bring. A referral made meanwhile is the pipeline's rerun.
 */
function referrersOf(brand: AuthenticatedBrand, inputs: EventInput[]): MemberIdQuery | null {
  const qualifying = inputs.filter((e) => e.type === brand.settings.referral.qualifyingEvent);
  return referrersToLock(
    {
      ids: unique(qualifying.map((e) => e.member.id)),
      externalIds: unique(qualifying.filter((e) => !e.member.id).map((e) => e.member.externalId)),
    },
    brand.settings.autoEnroll ? unique(inputs.filter((e) => !e.member.id).map((e) => e.member.referralCode)) : [],
  );
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
