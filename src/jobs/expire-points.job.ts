import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId } from '../common/ids.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { expire, type LedgerEntryDraft } from '../ledger/posting.js';
import { MembersRepository } from '../members/members.repository.js';
import { forEveryBrand } from './every-brand.js';
import { type JobBrand, JobBrandsRepository } from './job-brands.repository.js';
import { count, type Job, JOB_LOCK_KEYS, type Processed } from './job.js';
import { inMemberBatches, lastOf, MEMBERS_PER_BATCH } from './member-batches.js';

/**
 * What is left of each lapsed lot expires: an `expire` entry per lot (never more than the
 * member's available balance, which a reversal may already have taken), and the lot closes.
 * Members locked in id order, a batch per transaction; a rerun finds no open lapsed lot.
 */
@Injectable()
export class ExpirePointsJob implements Job {
  readonly name = 'expire-points';
  readonly lockKey = JOB_LOCK_KEYS['expire-points'];
  private readonly logger = new Logger('ExpirePointsJob');

  constructor(
    private readonly db: DataSource,
    private readonly brands: JobBrandsRepository,
    private readonly members: MembersRepository,
    private readonly ledger: LedgerRepository,
  ) {}

  run(now: Date, processed: Processed): Promise<void> {
    for (const key of ['brands', 'members', 'lots', 'points']) {
      processed[key] = 0;
    }
    return forEveryBrand(this.brands, this.db.manager, processed, this.logger, (brand) =>
      this.expire(brand, now, processed),
    );
  }

  private expire(brand: JobBrand, now: Date, processed: Processed): Promise<void> {
    return inMemberBatches(
      this.db,
      async (em, after) => {
        const ids = await this.ledger.membersWithLapsedLots(em, brand.id, now, after, MEMBERS_PER_BATCH);
        if (ids.length === 0) {
          return null;
        }
        const members = new Map((await this.members.lock(em, brand.id, ids, [])).map((m) => [m.id, m]));
        const lots = await this.ledger.closeLapsedLots(em, brand.id, ids, now);
        const entries: LedgerEntryDraft[] = [];
        for (const lot of lots) {
          const member = members.get(lot.memberId)!;
          const points = Math.min(lot.remaining, Math.max(0, member.pointsAvailable));
          if (points === 0) {
            continue;
          }
          entries.push(
            expire(member, {
              id: newId(),
              points,
              reason: `lot ${lot.id} expired`,
              actor: 'job:expire-points',
              availableAt: now,
            }).entry,
          );
        }
        // The lapsed lots are closed already: these debits must not spend other lots.
        await this.ledger.insertWithoutSpending(em, brand.id, entries);
        await this.members.saveStates(
          em,
          brand.id,
          [...members.values()].filter((m) => entries.some((e) => e.memberId === m.id)),
        );
        return {
          members: ids.length,
          lots: entries.length,
          points: -entries.reduce((a, e) => a + e.points, 0),
          last: lastOf(ids),
        };
      },
      (batch) => {
        count(processed, 'members', batch.members);
        count(processed, 'lots', batch.lots);
        count(processed, 'points', batch.points);
      },
    );
  }
}
