import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReferralAttributionModule } from '../referrals/referral-attribution.module.js';
import { JourneyModule } from '../journey/journey.module.js';
import { MemberTokenGuard } from './member-token.guard.js';
import { Member } from './member.entity.js';
import { MembersController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([Member]), JourneyModule, ReferralAttributionModule, WebhooksModule],
  controllers: [MembersController],
  providers: [MembersRepository, MembersService, MemberTokenGuard],
  exports: [MembersRepository, MembersService, MemberTokenGuard],
})
export class MembersModule {}
