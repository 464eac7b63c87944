import { Module } from '@nestjs/common';
import { ReferralAttribution } from './referral-attribution.js';
import { ReferralsRepository } from './referrals.repository.js';

/** Attribution and the referral rows, without the APIs: members and the pipeline open referrals. */
@Module({
  providers: [ReferralsRepository, ReferralAttribution],
  exports: [ReferralsRepository, ReferralAttribution],
})
export class ReferralAttributionModule {}
