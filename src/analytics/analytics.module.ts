import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';
import { DemoHistoryService } from './demo-history.service.js';
import { HistorySeedRepository } from './history-seed.repository.js';

@Module({
  controllers: [AnalyticsController],
  providers: [AnalyticsRepository, AnalyticsService, HistorySeedRepository, DemoHistoryService],
  exports: [HistorySeedRepository, DemoHistoryService],
})
export class AnalyticsModule {}
