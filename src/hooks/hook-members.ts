import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { newId } from '../common/ids.js';
import { StageChangesRepository } from '../journey/stage-changes.repository.js';
import { advance } from '../journey/stage-move.js';
import type { Member } from '../members/member.entity.js';
import { MembersRepository } from '../members/members.repository.js';
import { newReferralCode } from '../members/referral-code.js';
import { referrersToLock } from '../referrals/referrals.repository.js';
import { enrolledChange } from '../webhooks/webhook-events.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';

export interface Who {
  externalId: string | null;
  /** lower-cased */
  email: string | null;
}

/**
 * The member an outside system names: by the brand's externalId, else by e-mail, else enrolled
 * (a member enrolled by e-mail alone gets its own id as externalId). Answers the row locked.
 */
@Injectable()
export class HookMembers {
  constructor(
    private readonly members: MembersRepository,
    private readonly stageChanges: StageChangesRepository,
    private readonly webhooks: WebhookOutbox,
  ) {}

  async findOrEnrol(
    em: EntityManager,
    brand: AuthenticatedBrand,
    who: Who,
    enrol: { source: string; stage: string },
    alsoLock: string[],
  ): Promise<{ member: Member; enrolled: boolean }> {
    let found = await this.match(em, brand.id, who);
    let enrolled = false;
    if (!found) {
      const id = newId();
      // ON CONFLICT DO NOTHING: a concurrent enrolment of the same externalId or e-mail wins, and is matched below
      await this.members.insertMissing(em, brand.id, [
        {
          id,
          externalId: who.externalId ?? id,
          email: who.email,
          stage: enrol.stage,
          walletAddress: null,
          source: enrol.source,
          referralCode: newReferralCode(),
          enrolledAt: new Date(),
        },
      ]);
      found = (await this.match(em, brand.id, who)) ?? (await this.members.find(em, brand.id, id));
      if (!found) {
        throw new Error('an enrolment inserted nothing and matched nobody');
      }
      enrolled = found.id === id;
      if (enrolled) {
        await this.stageChanges.insert(em, brand.id, [
          {
            id: newId(),
            memberId: id,
            from: null,
            to: enrol.stage,
            eventId: null,
            ruleId: null,
            cause: 'enrollment',
          },
        ]);
      }
    }
    // One statement, in id order: the member, the referrers of its pending referrals (which its
    // events may reward: the pipeline's lock would take them after this row) and any the pipeline
    // asked for, so the lock order is settled before the first lock and no two transactions wait on each other.
    const locked = await this.members.lock(
      em,
      brand.id,
      [found.id, ...alsoLock.filter((x) => x !== found.id)],
      [],
      referrersToLock({ ids: [found.id], externalIds: [] }, []),
    );
    const member = locked.find((m) => m.id === found.id)!;
    if (enrolled) {
      // The brand's other systems hear of the new member in the transaction that made them.
      await this.webhooks.enqueue(em, brand.id, enrolledChange(member));
    }
    return { member, enrolled };
  }

  /** Forward-only move of a locked member (a conversion reported from outside), kept in the stage history. */
  async moveForward(
    em: EntityManager,
    brand: AuthenticatedBrand,
    member: Member,
    target: string | null,
  ): Promise<{ from: string; to: string } | null> {
    if (!target) {
      return null;
    }
    const to = advance(
      member.stage,
      target,
      brand.stages.map((s) => s.key),
    );
    if (to === member.stage) {
      return null;
    }
    const from = member.stage;
    member.stage = to;
    await this.members.saveStates(em, brand.id, [member]);
    await this.stageChanges.insert(em, brand.id, [
      { id: newId(), memberId: member.id, from, to, eventId: null, ruleId: null, cause: 'transition' },
    ]);
    return { from, to };
  }

  /** The member's stage now (after this transaction's events). */
  async stageOf(em: EntityManager, brandId: string, memberId: string): Promise<string> {
    return (await this.members.find(em, brandId, memberId))!.stage;
  }

  private async match(em: EntityManager, brandId: string, who: Who): Promise<Member | null> {
    const byExternalId = who.externalId ? await this.members.find(em, brandId, who.externalId) : null;
    return byExternalId ?? (who.email ? await this.members.findByEmail(em, brandId, who.email) : null);
  }
}
