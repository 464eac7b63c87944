import { Module } from '@nestjs/common';
import { ReferralAttribution } from './referral-attribution.js';
import { ReferralsRepository } from './referrals.repository.js';
import { MembersRepository } from '../members/members.repository.js';

/** Attribution and the referral rows, without the APIs: members and the pipeline open referrals. */
@Module({
  // MembersRepository is stateless; provided here because MembersModule imports this module.
  providers: [ReferralsRepository, ReferralAttribution, MembersRepository],
  exports: [ReferralsRepository, ReferralAttribution],
})
export class ReferralAttributionModule {}
