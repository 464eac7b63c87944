import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventInput } from '../events/event-input.js';
import { EventPipeline } from '../events/event-pipeline.js';
import { requestHash } from '../events/request-hash.js';
import type { Member } from '../members/member.entity.js';
import { MembersRepository } from '../members/members.repository.js';
import { forEveryBrand } from './every-brand.js';
import { type JobBrand, JobBrandsRepository } from './job-brands.repository.js';
import { count, type Job, JOB_LOCK_KEYS, type Processed } from './job.js';
import {
  anniversaryFinding,
  inactiveFinding,
  mayHaveStreak,
  type RetentionFinding,
  scanCalendar,
  type ScanCalendar,
  streakFinding,
} from './retention-findings.js';
import { RetentionRepository } from './retention.repository.js';

/** Members read, and events sent to the pipeline (one transaction), per batch. */
const MEMBERS_PER_BATCH = 1_000;

/**
 * Makes `retention` events (reason inactive, anniversary or streak) for every brand's members,
 * through the ordinary event pipeline, so the brand's rules decide what they earn (the starter
 * "Win-back" rule pays inactive members). Members are read in id order a batch at a time; each
 * batch's findings are one pipeline call. Their keys are deterministic, so a second scan, or a
 * second instance scanning at once, pays nothing twice.
 */
@Injectable()
export class RetentionScanJob implements Job {
  readonly name = 'retention-scan';
  readonly lockKey = JOB_LOCK_KEYS['retention-scan'];
  private readonly logger = new Logger('RetentionScanJob');

  constructor(
    private readonly db: DataSource,
    private readonly brands: JobBrandsRepository,
    private readonly members: MembersRepository,
    private readonly retention: RetentionRepository,
    private readonly pipeline: EventPipeline,
  ) {}

  run(now: Date, processed: Processed): Promise<void> {
    for (const key of [
      'brands',
      'members',
      'inactive',
      'anniversary',
      'streak',
      'alreadyMade',
      'made',
      'duplicates',
      'refused',
    ]) {
      processed[key] = 0;
    }
    return forEveryBrand(this.brands, this.db.manager, processed, this.logger, (brand) =>
      this.scanBrand(brand, now, processed),
    );
  }

  private async scanBrand(brand: JobBrand, now: Date, processed: Processed): Promise<void> {
    const cal = scanCalendar(now, brand.settings.timezone);
    let after: string | undefined;
    for (;;) {
      const page = await this.members.list(this.db.manager, brand.id, { cursor: after, limit: MEMBERS_PER_BATCH });
      const batch = page.slice(0, MEMBERS_PER_BATCH);
      if (batch.length === 0) {
        return;
      }
      count(processed, 'members', batch.length);
      await this.reward(brand, await this.findings(brand, batch, cal), now, processed);
      if (page.length <= MEMBERS_PER_BATCH) {
        return;
      }
      after = batch[batch.length - 1].id;
    }
  }

  private async findings(brand: JobBrand, batch: Member[], cal: ScanCalendar): Promise<RetentionFinding[]> {
    const found: RetentionFinding[] = [];
    for (const member of batch) {
      const inactive = inactiveFinding(member, brand.settings.inactiveDays, cal);
      if (inactive) {
        found.push(inactive);
      }
      const anniversary = anniversaryFinding(member, cal);
      if (anniversary) {
        found.push(anniversary);
      }
    }
    const candidates = batch.filter((m) => mayHaveStreak(m, cal));
    if (candidates.length) {
      const bought = await this.retention.purchaseWindows(
        this.db.manager,
        brand.id,
        candidates.map((m) => m.id),
        cal.monthBounds,
      );
      for (const member of candidates) {
        const streak = streakFinding(member, bought.get(member.id) ?? new Set(), cal);
        if (streak) {
          found.push(streak);
        }
      }
    }
    return found;
  }

  private async reward(brand: JobBrand, findings: RetentionFinding[], now: Date, processed: Processed): Promise<void> {
    for (const f of findings) {
      count(processed, f.reason);
    }
    // Findings an earlier scan already made skip the pipeline (and its member locks) altogether.
    const used = await this.retention.usedKeys(
      this.db.manager,
      brand.id,
      findings.map((f) => f.idempotencyKey),
    );
    const fresh = findings.filter((f) => !used.has(f.idempotencyKey));
    count(processed, 'alreadyMade', findings.length - fresh.length);
    if (fresh.length === 0) {
      return;
    }
    const outcomes = await this.pipeline.apply(
      brand,
      fresh.map((f) => retentionEvent(f, now)),
      'scheduler',
    );
    outcomes.forEach((o, i) => {
      if ('error' in o) {
        count(processed, 'refused');
        this.logger.warn({
          msg: 'retention event refused',
          brandId: brand.id,
          key: fresh[i].idempotencyKey,
          error: { code: o.error.code, message: o.error.message },
        });
      } else if (o.status === 201) {
        count(processed, 'made');
      } else {
        count(processed, 'duplicates');
      }
    });
  }
}

/**
 * The event the scheduler sends for a finding. Its request hash leaves out the time of the scan
 * that found it: a later scan finding the same spell, year or month is the same request (a 200
 * duplicate), not another body under the same key (a 409).
 */
export function retentionEvent(finding: RetentionFinding, now: Date): EventInput {
  const member = { id: finding.memberId };
  const attributes = { reason: finding.reason };
  return {
    idempotencyKey: finding.idempotencyKey,
    requestHash: requestHash({ type: 'retention', member, attributes }),
    type: 'retention',
    member,
    occurredAt: now,
    attributes,
  };
}
