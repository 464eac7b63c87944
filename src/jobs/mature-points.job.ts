import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { mature } from '../ledger/posting.js';
import { MembersRepository } from '../members/members.repository.js';
import { forEveryBrand } from './every-brand.js';
import { type JobBrand, JobBrandsRepository } from './job-brands.repository.js';
import { count, type Job, JOB_LOCK_KEYS, type Processed } from './job.js';
import { inMemberBatches, lastOf, MEMBERS_PER_BATCH } from './member-batches.js';

/**
 * Pending points whose `availableAt` has passed become available: each due entry's status
 * flips to available and its member's `points_pending` moves to `points_available` by the same
 * amount, in one transaction per batch with the members locked (in id order, as everywhere), so
 * a balance always equals the sum of its entries by status. Running it again finds nothing due.
 */
@Injectable()
export class MaturePointsJob implements Job {
  readonly name = 'mature-points';
  readonly lockKey = JOB_LOCK_KEYS['mature-points'];
  private readonly logger = new Logger('MaturePointsJob');

  constructor(
    private readonly db: DataSource,
    private readonly brands: JobBrandsRepository,
    private readonly ledger: LedgerRepository,
    private readonly members: MembersRepository,
  ) {}

  run(now: Date, processed: Processed): Promise<void> {
    for (const key of ['brands', 'members', 'entries', 'points']) {
      processed[key] = 0;
    }
    return forEveryBrand(this.brands, this.db.manager, processed, this.logger, (brand) =>
      this.matureBrand(brand, now, processed),
    );
  }

  private matureBrand(brand: JobBrand, now: Date, processed: Processed): Promise<void> {
    return inMemberBatches(
      this.db,
      async (em, after) => {
        const ids = await this.ledger.membersWithDuePending(em, brand.id, now, after, MEMBERS_PER_BATCH);
        if (ids.length === 0) {
          return null;
        }
        const locked = await this.members.lock(em, brand.id, ids, []);
        // Read after the locks: entries a concurrent event added meanwhile are included exactly once.
        const matured = await this.ledger.matureDue(em, brand.id, ids, now);
        const changed = locked.filter((m) => matured.has(m.id));
        for (const member of changed) {
          mature(member, matured.get(member.id)!.points);
        }
        await this.members.saveStates(em, brand.id, changed);
        return { last: lastOf(ids), matured: [...matured.values()] };
      },
      (batch) => {
        count(processed, 'members', batch.matured.length);
        for (const m of batch.matured) {
          count(processed, 'entries', m.entries);
          count(processed, 'points', m.points);
        }
      },
    );
  }
}
