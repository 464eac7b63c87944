import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module.js';
import { ReferralAttributionModule } from './referral-attribution.module.js';
import { MyReferralController, ReferralLinkController, ReferralsController } from './referrals.controller.js';
import { ReferralsService } from './referrals.service.js';

@Module({
  imports: [MembersModule, ReferralAttributionModule],
  controllers: [ReferralsController, MyReferralController, ReferralLinkController],
  providers: [ReferralsService],
})
export class ReferralsModule {}
