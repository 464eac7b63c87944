import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module.js';
import { JourneyModule } from './journey.module.js';
import { StageUsageRepository } from './stage-usage.repository.js';
import { StagesController } from './stages.controller.js';
import { StagesService } from './stages.service.js';

/** PUT /v1/brand/stages: replacing a brand's journey. */
@Module({
  imports: [JourneyModule, MembersModule],
  controllers: [StagesController],
  providers: [StagesService, StageUsageRepository],
})
export class StagesModule {}
