import { Module } from '@nestjs/common';
import { JourneyModule } from '../journey/journey.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { MembersModule } from '../members/members.module.js';
import { RulesModule } from '../rules/rules.module.js';
import { ReferralAttributionModule } from '../referrals/referral-attribution.module.js';
import { EventMembers } from './event-members.js';
import { ReferralRewards } from './referral-rewards.js';
import { EventPipeline } from './event-pipeline.js';
import { EventBatcher } from './event-batcher.js';
import { EventSimulation } from './event-simulation.js';
import { SimulationController } from './simulation.controller.js';
import { EventsController } from './events.controller.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';
import { RuleUsageRepository } from './rule-usage.repository.js';
import { EffectsWriteRepository } from './effects-write.repository.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

@Module({
  imports: [MembersModule, LedgerModule, JourneyModule, RulesModule, ReferralAttributionModule, WebhooksModule],
  controllers: [EventsController, SimulationController],
  providers: [
    EventPipeline,
    EventMembers,
    ReferralRewards,
    EventBatcher,
    EventSimulation,
    EventsService,
    EventsRepository,
    RuleUsageRepository,
    EffectsWriteRepository,
  ],
  exports: [EventPipeline, RuleUsageRepository, EventsRepository],
})
export class EventsModule {}
