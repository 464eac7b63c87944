import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { MembersModule } from '../members/members.module.js';
import { MeRewardsController } from './me-rewards.controller.js';
import { MemberRedemptionsController, RedemptionsController } from './redemptions.controller.js';
import { RedemptionsRepository } from './redemptions.repository.js';
import { RedemptionsService } from './redemptions.service.js';
import { RewardsController } from './rewards.controller.js';
import { RewardsRepository } from './rewards.repository.js';
import { RewardsService } from './rewards.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

/** The rewards catalog and redemptions: spending points (issue 6). */
@Module({
  imports: [MembersModule, LedgerModule, WebhooksModule],
  controllers: [RewardsController, RedemptionsController, MemberRedemptionsController, MeRewardsController],
  providers: [RewardsRepository, RedemptionsRepository, RewardsService, RedemptionsService],
})
export class RewardsModule {}
