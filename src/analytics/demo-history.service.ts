import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type SeededHistory, HistorySeedRepository } from './history-seed.repository.js';

/** The Demo brand's first-run past: enough of a living loop that the console draws something real. */
@Injectable()
export class DemoHistoryService {
  constructor(
    private readonly db: DataSource,
    private readonly seeds: HistorySeedRepository,
  ) {}

  /** A few hundred members over the last three months, in one transaction (about a second). */
  seed(brandId: string, now = new Date()): Promise<SeededHistory> {
    return this.db.transaction((em) =>
      this.seeds.seed(em, brandId, { members: 320, days: 90, activity: 1.3, externalIdPrefix: 'customer-', now }),
    );
  }
}
