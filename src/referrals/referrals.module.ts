import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module.js';
import { ReferralAttributionModule } from './referral-attribution.module.js';
import { MeReferralController } from './me-referral.controller.js';
import { ReferralLinkController, ReferralsController } from './referrals.controller.js';
import { ReferralsService } from './referrals.service.js';

@Module({
  imports: [MembersModule, ReferralAttributionModule],
  controllers: [ReferralsController, MeReferralController, ReferralLinkController],
  providers: [ReferralsService],
})
export class ReferralsModule {}
