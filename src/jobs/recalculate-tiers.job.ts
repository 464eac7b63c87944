import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId } from '../common/ids.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { MembersRepository } from '../members/members.repository.js';
import type { TierChange } from '../tiers/tier-change.js';
import { TierChangesRepository } from '../tiers/tier-changes.repository.js';
import { rankOf, tierFor } from '../tiers/tier-ladder.js';
import { forEveryBrand } from './every-brand.js';
import { type JobBrand, JobBrandsRepository } from './job-brands.repository.js';
import { count, type Job, JOB_LOCK_KEYS, type Processed } from './job.js';
import { inMemberBatches, lastOf, MEMBERS_PER_BATCH } from './member-batches.js';

const DAY_MS = 86_400_000;

/**
 * The nightly tier recalculation: a member whose qualifying points (over the ladder's rolling
 * window, or lifetime) no longer reach their tier moves down to the tier they do reach, with a
 * `downgrade` row in the tier history. Upgrades are not its business: they happen in the event
 * that earns them. Members are locked in id order, a batch per transaction; a rerun changes nothing.
 */
@Injectable()
export class RecalculateTiersJob implements Job {
  readonly name = 'recalculate-tiers';
  readonly lockKey = JOB_LOCK_KEYS['recalculate-tiers'];
  private readonly logger = new Logger('RecalculateTiersJob');

  constructor(
    private readonly db: DataSource,
    private readonly brands: JobBrandsRepository,
    private readonly members: MembersRepository,
    private readonly ledger: LedgerRepository,
    private readonly tierChanges: TierChangesRepository,
  ) {}

  run(now: Date, processed: Processed): Promise<void> {
    for (const key of ['brands', 'members', 'downgraded']) {
      processed[key] = 0;
    }
    return forEveryBrand(this.brands, this.db.manager, processed, this.logger, (brand) =>
      this.recalculate(brand, now, processed),
    );
  }

  private recalculate(brand: JobBrand, now: Date, processed: Processed): Promise<void> {
    const ladder = brand.settings.tiers;
    return inMemberBatches(
      this.db,
      async (em, after) => {
        const ids = await this.tierChanges.tieredMembers(em, brand.id, after, MEMBERS_PER_BATCH);
        if (ids.length === 0) {
          return null;
        }
        const locked = await this.members.lock(em, brand.id, ids, []);
        const windowEarned =
          ladder.windowDays === null
            ? null
            : await this.ledger.earnedSince(em, brand.id, ids, new Date(now.getTime() - ladder.windowDays * DAY_MS));
        const changes: TierChange[] = [];
        for (const member of locked) {
          const reached = tierFor(windowEarned ? (windowEarned.get(member.id) ?? 0) : member.lifetimeEarned, ladder);
          // a tier the ladder no longer has ranks -1: its holders move to what they reach
          const current = rankOf(member.tier, ladder);
          if (rankOf(reached, ladder) < current || (current < 0 && member.tier !== reached)) {
            changes.push({
              id: newId(),
              memberId: member.id,
              from: member.tier,
              to: reached,
              eventId: null,
              cause: 'downgrade',
            });
            member.tier = reached;
          }
        }
        const changed = locked.filter((m) => changes.some((c) => c.memberId === m.id));
        await this.members.saveStates(em, brand.id, changed);
        await this.tierChanges.insert(em, brand.id, changes);
        return {
          members: locked.length,
          downgraded: changes.length,
          last: lastOf(ids),
        };
      },
      (batch) => {
        count(processed, 'members', batch.members);
        count(processed, 'downgraded', batch.downgraded);
      },
    );
  }
}
