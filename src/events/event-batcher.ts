import { Injectable } from '@nestjs/common';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import type { EventInput } from './event-input.js';
import type { EventOutcome } from './event-outcome.js';
import { EventPipeline } from './event-pipeline.js';

interface Waiting {
  brand: AuthenticatedBrand;
  input: EventInput;
  resolve(outcome: EventOutcome): void;
  reject(error: unknown): void;
}

interface BrandQueue {
  waiting: Waiting[];
  inFlight: number;
  /** A group has begun and has not yet asked for its member locks: the next one waits for that. */
  starting: boolean;
}

/**
 * Transactions of one brand open at once: one committing while the next runs. Fewer make each
 * carry more of the queue (about 20 events at 64 connections with two, 5 with four); with one, a
 * retry of a request stuck on a lock would wait here rather than behind it in the database.
 */
const MAX_IN_FLIGHT = 2;
/** Events in one transaction at most. */
const MAX_GROUP = 512;

/**
 * Group commit for POST /v1/events. A commit (its WAL flush) and a transaction's fixed
 * statements cost more than an event's own rows, so the events of one brand that arrive while
 * its transactions are open wait and are applied together in the next one: the group is
 * whatever queued meanwhile, so it grows with the load (one event when idle, tens at 64
 * connections), and each request is still answered on its own. Nothing waits on a timer: an
 * idle service commits a lone event at once.
 *
 * Per-member order: a group starts only once the previous one has sent its lock statement, so a
 * member's later events, in a later group, queue behind its earlier ones in the database.
 * If a group's transaction fails, each of its events is applied alone, so one bad event never
 * fails another.
 */
@Injectable()
export class EventBatcher {
  private readonly queues = new Map<string, BrandQueue>();

  constructor(private readonly pipeline: EventPipeline) {}

  submit(brand: AuthenticatedBrand, input: EventInput): Promise<EventOutcome> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(brand.id);
      if (!queue) {
        this.queues.set(brand.id, (queue = { waiting: [], inFlight: 0, starting: false }));
      }
      queue.waiting.push({ brand, input, resolve, reject });
      this.drain(brand.id, queue);
    });
  }

  private drain(brandId: string, queue: BrandQueue): void {
    if (queue.inFlight >= MAX_IN_FLIGHT || queue.starting || queue.waiting.length === 0) {
      return;
    }
    const group = queue.waiting.splice(0, MAX_GROUP);
    queue.inFlight++;
    queue.starting = true;
    let gateOpen = false;
    const asked = () => {
      if (!gateOpen) {
        gateOpen = true;
        queue.starting = false;
        this.drain(brandId, queue);
      }
    };
    void this.apply(group, asked).finally(() => {
      queue.inFlight--;
      asked();
      this.drain(brandId, queue);
      if (queue.inFlight === 0 && queue.waiting.length === 0) {
        this.queues.delete(brandId);
      }
    });
  }

  private async apply(group: Waiting[], locking: () => void): Promise<void> {
    // The freshest view of the brand (its rule-set version) that any request of the group saw.
    const brand = group.reduce((a, w) => (w.brand.rulesVersion > a.rulesVersion ? w.brand : a), group[0].brand);
    try {
      const outcomes = await this.pipeline.apply(
        brand,
        group.map((w) => w.input),
        'api',
        [],
        locking,
      );
      group.forEach((w, i) => w.resolve(outcomes[i]));
    } catch (error) {
      if (group.length === 1) {
        return group[0].reject(error);
      }
      locking();
      for (const w of group) {
        await this.pipeline.apply(w.brand, [w.input]).then(([outcome]) => w.resolve(outcome), w.reject);
      }
    }
  }
}
