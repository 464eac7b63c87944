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
}

/** Transactions of one brand open at once; the events arriving meanwhile wait for the next. */
const MAX_IN_FLIGHT = 4;
/** Events in one transaction at most. */
const MAX_GROUP = 256;

/**
 * Group commit for POST /v1/events. A commit (its WAL flush) costs more than the rest of an
 * event's writes, so events of one brand that arrive while its transactions are open are
 * applied together in the next one: one commit for many requests, each still answered on its
 * own. Nothing waits on a timer: an idle service commits a lone event at once. If a group's
 * transaction fails, each of its events is applied alone, so one bad event never fails another.
 */
@Injectable()
export class EventBatcher {
  private readonly queues = new Map<string, BrandQueue>();

  constructor(private readonly pipeline: EventPipeline) {}

  submit(brand: AuthenticatedBrand, input: EventInput): Promise<EventOutcome> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(brand.id);
      if (!queue) {
        this.queues.set(brand.id, (queue = { waiting: [], inFlight: 0 }));
      }
      queue.waiting.push({ brand, input, resolve, reject });
      this.drain(brand.id, queue);
    });
  }

  private drain(brandId: string, queue: BrandQueue): void {
    while (queue.inFlight < MAX_IN_FLIGHT && queue.waiting.length > 0) {
      const group = queue.waiting.splice(0, MAX_GROUP);
      queue.inFlight++;
      void this.apply(group).finally(() => {
        queue.inFlight--;
        if (queue.waiting.length > 0) {
          this.drain(brandId, queue);
        } else if (queue.inFlight === 0) {
          this.queues.delete(brandId);
        }
      });
    }
  }

  private async apply(group: Waiting[]): Promise<void> {
    // The freshest view of the brand (its rule-set version) that any request of the group saw.
    const brand = group.reduce((a, w) => (w.brand.rulesVersion > a.rulesVersion ? w.brand : a), group[0].brand);
    try {
      const outcomes = await this.pipeline.apply(
        brand,
        group.map((w) => w.input),
      );
      group.forEach((w, i) => w.resolve(outcomes[i]));
    } catch (error) {
      if (group.length === 1) {
        return group[0].reject(error);
      }
      for (const w of group) {
        await this.pipeline.apply(w.brand, [w.input]).then(([outcome]) => w.resolve(outcome), w.reject);
      }
    }
  }
}
