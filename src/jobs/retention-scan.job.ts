import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventInput } from '../events/event-input.js';
import { EventPipeline } from '../events/event-pipeline.js';
import { requestHash } from '../events/request-hash.js';
import { forEveryBrand } from './every-brand.js';
import { type JobBrand, JobBrandsRepository } from './job-brands.repository.js';
import { count, type Job, JOB_LOCK_KEYS, type Processed } from './job.js';
import { InFlight } from './in-flight.js';
import {
  anniversaryFinding,
  inactiveFinding,
  mayHaveStreak,
  type RetentionFinding,
  scanBounds,
  scanCalendar,
  type ScanCalendar,
  streakFinding,
} from './retention-findings.js';
import { type CandidatePage, type RetentionCandidate, RetentionRepository } from './retention.repository.js';

/** Members visited per statement (keyset page by primary key): one round trip per page. */
const MEMBERS_PER_PAGE = 5_000;
/** Events per pipeline call (one transaction): their members stay locked until it commits. */
const EVENTS_PER_TRANSACTION = 500;
/** Pipeline transactions in flight at once (on disjoint members), so Node and PostgreSQL overlap (3: both cores busy). */
const TRANSACTIONS_IN_FLIGHT = 3;

/**
 * Makes `retention` events (reason inactive, anniversary or streak) for every brand's members,
 * through the ordinary event pipeline, so the brand's rules decide what they earn (the starter
 * "Win-back" rule pays inactive members). Members are visited in id order a keyset page at a
 * time; one statement per page answers only the page's candidates (with the purchase months
 * of the streak candidates), the pure findings decide, and the fresh findings go to the
 * pipeline in transactions of at most EVENTS_PER_TRANSACTION events, while the next page is
 * read. Their keys are deterministic, so a second scan, or a second instance scanning at once,
 * pays nothing twice.
 */
@Injectable()
export class RetentionScanJob implements Job {
  readonly name = 'retention-scan';
  readonly lockKey = JOB_LOCK_KEYS['retention-scan'];
  private readonly logger = new Logger('RetentionScanJob');

  constructor(
    private readonly db: DataSource,
    private readonly brands: JobBrandsRepository,
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
    const filter = { ...scanBounds(cal, brand.settings.inactiveDays), monthBounds: cal.monthBounds };
    const read = (after: string | null) => {
      const page = this.retention.candidatePage(this.db.manager, brand.id, after, MEMBERS_PER_PAGE, filter);
      page.catch(() => undefined); // awaited later: its failure is thrown there, not left unhandled meanwhile
      return page;
    };
    const inFlight = new InFlight(TRANSACTIONS_IN_FLIGHT);
    let next: Promise<CandidatePage> | null = read(null);
    try {
      while (next) {
        const page: CandidatePage = await next;
        // The next page is read while this one's findings go through the pipeline.
        next = page.visited === MEMBERS_PER_PAGE ? read(page.last) : null;
        count(processed, 'members', page.visited);
        const found = findingsOf(page.candidates, brand.settings.inactiveDays, cal);
        for (const f of found) {
          count(processed, f.reason);
        }
        // Findings an earlier scan already made skip the pipeline (and its member locks) altogether.
        const used = await this.retention.usedKeys(
          this.db.manager,
          brand.id,
          found.map((f) => f.idempotencyKey),
        );
        const fresh = found.filter((f) => !used.has(f.idempotencyKey));
        count(processed, 'alreadyMade', found.length - fresh.length);
        for (const chunk of byMember(fresh, EVENTS_PER_TRANSACTION)) {
          await inFlight.add(() => this.reward(brand, chunk, now, processed));
        }
      }
    } finally {
      // Nothing is left running past the brand's pass, whether it ends or fails.
      await Promise.allSettled([next, inFlight.drain()]);
    }
    await inFlight.drain();
  }

  private async reward(brand: JobBrand, fresh: RetentionFinding[], now: Date, processed: Processed): Promise<void> {
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

/** Every finding of these candidates, in member (id) order. */
function findingsOf(candidates: RetentionCandidate[], inactiveDays: number, cal: ScanCalendar): RetentionFinding[] {
  const found: RetentionFinding[] = [];
  for (const member of candidates) {
    const inactive = inactiveFinding(member, inactiveDays, cal);
    if (inactive) {
      found.push(inactive);
    }
    const anniversary = anniversaryFinding(member, cal);
    if (anniversary) {
      found.push(anniversary);
    }
    const streak = mayHaveStreak(member, cal) ? streakFinding(member, member.monthsBought, cal) : null;
    if (streak) {
      found.push(streak);
    }
  }
  return found;
}

/** Runs of at most `size` findings, never splitting one member's findings (one transaction locks each member). */
function byMember(found: RetentionFinding[], size: number): RetentionFinding[][] {
  const chunks: RetentionFinding[][] = [];
  let chunk: RetentionFinding[] = [];
  for (const f of found) {
    if (chunk.length >= size && chunk[chunk.length - 1].memberId !== f.memberId) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(f);
  }
  if (chunk.length) {
    chunks.push(chunk);
  }
  return chunks;
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
