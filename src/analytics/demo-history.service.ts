import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type SeededHistory, HistorySeedRepository } from './history-seed.repository.js';
import { AnalyticsRollupJob } from './analytics-rollup.job.js';

/** The Demo brand's first-run past: enough of a living loop that the console draws something real. */
@Injectable()
export class DemoHistoryService {
  constructor(
    private readonly db: DataSource,
    private readonly seeds: HistorySeedRepository,
    private readonly rollup: AnalyticsRollupJob,
  ) {}

  /** A few hundred members over the last three months, in one transaction (about a second). */
  async seed(brandId: string, now = new Date()): Promise<SeededHistory> {
    const seeded = await this.db.transaction((em) =>
      this.seeds.seed(em, brandId, { members: 320, days: 90, activity: 1.3, externalIdPrefix: 'customer-', now }),
    );
    // the seeded rows carry ids of the past, below any mark the rollup job may already have moved
    await this.rollup.rebuild(brandId);
    return seeded;
  }
}
