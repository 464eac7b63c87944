import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BrandSettings } from '../brands/brand-settings.js';
import { newId } from '../common/ids.js';
import { periodStart } from '../rules/engine/index.js';
import { attribute, type RejectionReason } from './referral-policy.js';
import { ReferralsRepository } from './referrals.repository.js';
import { MembersRepository } from '../members/members.repository.js';

export interface Attribution {
  referralId: string;
  status: 'pending' | 'rejected';
  reason: RejectionReason | null;
  referrerId: string | null;
}

/**
 * Opens the referral when a member arrives with a referral code (PUT /v1/members or an
 * enrolling event), in the caller's transaction. A rejected referral is kept with its reason;
 * the referee is enrolled either way.
 */
@Injectable()
export class ReferralAttribution {
  constructor(
    private readonly referrals: ReferralsRepository,
    private readonly members: MembersRepository,
  ) {}

  async open(
    em: EntityManager,
    brand: { id: string; settings: BrandSettings },
    referee: { id: string; email: string | null; walletAddress: string | null },
    code: string,
    refereeExisted: boolean,
    now = new Date(),
  ): Promise<Attribution | null> {
    const referrer = await this.referrals.findReferrerByCode(em, brand.id, code);
    // An advisory lock, not the referrer's row: the row would fall outside the id order of the member locks.
    if (referrer && !refereeExisted) {
      await this.referrals.lockReferrer(em, brand.id, referrer.id);
    }
    const monthStart = periodStart(now, 'month', brand.settings.timezone);
    const decision = attribute({
      referrer,
      referee,
      refereeExisted,
      referrerReferralsThisMonth:
        referrer && !refereeExisted
          ? await this.referrals.countByReferrerSince(em, brand.id, referrer.id, monthStart)
          : 0,
      maxReferralsPerMonth: brand.settings.referral.maxReferralsPerMonth,
    });
    const id = newId();
    const reason = decision.status === 'rejected' ? decision.reason : null;
    const inserted = await this.referrals.insert(em, brand.id, {
      id,
      referrerId: referrer?.id ?? null,
      refereeId: referee.id,
      code: code.toUpperCase(),
      status: decision.status,
      reason,
    });
    if (!inserted) {
      return null;
    } // already referred once: the first attribution stands
    if (decision.status === 'pending') {
      await this.members.setReferredBy(em, brand.id, referee.id, referrer!.id);
    }
    return { referralId: id, status: decision.status, reason, referrerId: referrer?.id ?? null };
  }
}
