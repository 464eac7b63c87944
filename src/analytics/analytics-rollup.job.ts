import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { forEveryBrand } from '../jobs/every-brand.js';
import { count, type Job, JOB_LOCK_KEYS, type Processed } from '../jobs/job.js';
import { JobBrandsRepository } from '../jobs/job-brands.repository.js';
import { idFloor } from './analytics.repository.js';
import { AnalyticsRollupRepository, type RollupSource } from './analytics-rollup.repository.js';

/** Rows one transaction rolls up: a first pass over a long history commits as it goes. */
const BATCH = 50_000;

const ROLL = {
  events: 'rollEvents',
  changes: 'rollChanges',
  ledger: 'rollLedger',
} as const satisfies Record<RollupSource, keyof AnalyticsRollupRepository>;

/**
 * Keeps every brand's analytics rollups (migration AnalyticsRollups): from each hot table, the
 * rows above the brand's mark and safely below now, in id order (a primary-key range), a batch
 * per transaction. The event path writes nothing for it; the readers add what is above the marks.
 */
@Injectable()
export class AnalyticsRollupJob implements Job {
  readonly name = 'analytics-rollup';
  readonly lockKey = JOB_LOCK_KEYS['analytics-rollup'];
  private readonly logger = new Logger('AnalyticsRollup');

  constructor(
    private readonly db: DataSource,
    private readonly rollups: AnalyticsRollupRepository,
    private readonly brands: JobBrandsRepository,
  ) {}

  async run(_now: Date, processed: Processed): Promise<void> {
    const upto = await this.rollups.safeUpto(this.db.manager);
    await forEveryBrand(this.brands, this.db.manager, processed, this.logger, (brand) =>
      this.rollBrand(
        brand.id,
        { zone: brand.settings.timezone, stages: brand.stages.map((st) => st.key) },
        upto,
        processed,
      ),
    );
  }

  /**
   * Rolls the brand up anew from its first row: for a past written after its marks moved (the
   * Demo brand's seeded history carries ids of the times it happened).
   */
  async rebuild(brandId: string): Promise<Processed> {
    const processed: Processed = {};
    await this.db.transaction((em) => this.rollups.reset(em, brandId));
    const shape = await this.rollups.brandShape(this.db.manager, brandId);
    await this.rollBrand(brandId, shape, await this.rollups.safeUpto(this.db.manager), processed);
    return processed;
  }

  /** Rolls one brand up to `upto` (ids below its floor). */
  async rollBrand(
    brandId: string,
    shape: { zone: string; stages: string[] },
    upto: Date,
    processed: Processed = {},
  ): Promise<void> {
    const { zone, stages } = shape;
    const below = idFloor(upto);
    await this.db.transaction(async (em) => {
      // days are local days, moves ranked by the stage order: a brand that changed either is rolled up anew
      const marks = await this.rollups.lockMarks(em, brandId, zone, stages);
      if (marks.timezone !== zone || marks.stages.join('\n') !== stages.join('\n')) {
        await this.rollups.reset(em, brandId);
        count(processed, 'rebuilt');
      }
    });
    for (const source of ['events', 'changes', 'ledger'] as const) {
      for (let done = false; !done;) {
        done = await this.db.transaction(async (em) => {
          const marks = await this.rollups.lockMarks(em, brandId, zone, stages);
          const after = marks[source];
          if (after >= below) {
            return true; // an older transaction opened since: it may still commit below the mark
          }
          const end = await this.rollups.batchEnd(em, source, brandId, after, below, BATCH);
          const mark = end ?? below;
          count(processed, source, await this.rollups[ROLL[source]](em, brandId, after, mark, shape));
          await this.rollups.moveMark(em, brandId, source, mark);
          return end === null;
        });
      }
    }
    await this.db.transaction((em) => this.rollups.rolledUpTo(em, brandId, upto));
  }
}
