import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { inTransaction } from '../database/transaction.js';
import type { EventResult } from '../events/event-effects.js';
import type { EventOutcome } from '../events/event-outcome.js';
import { EventPipeline } from '../events/event-pipeline.js';
import { EventsRepository } from '../events/events.repository.js';
import { RelockNeeded } from '../events/referral-rewards.js';
import { requestHash } from '../events/request-hash.js';

export interface HookEvent {
  /** order:<id>, refund:<id>, campaign:<campaignId>:<memberId>, mailchimp:<listId>:<memberId> */
  key: string;
  type: string;
  memberId: string;
  occurredAt: Date | null;
  attributes: Record<string, unknown>;
}

/**
 * Events an inbound hook makes, run through the ordinary pipeline inside the hook's own
 * transaction (the member's enrolment, the delivery record and the events commit together).
 */
@Injectable()
export class HookEvents {
  constructor(
    private readonly db: DataSource,
    private readonly pipeline: EventPipeline,
    private readonly events: EventsRepository,
  ) {}

  /**
   * One transaction for a hook's work; when the pipeline must lock a referrer out of id order,
   * the whole transaction runs again with it locked up front (as the pipeline itself does).
   */
  async transaction<T>(work: (em: EntityManager, alsoLock: string[]) => Promise<T>): Promise<T> {
    let alsoLock: string[] = [];
    for (;;) {
      try {
        return await inTransaction(this.db, (em) => work(em, alsoLock));
      } catch (e) {
        if (e instanceof RelockNeeded && alsoLock.length < 1000) {
          alsoLock = [...new Set([...alsoLock, ...e.ids])];
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * Applies the events; a key already recorded answers its first result with duplicate: true.
   * The request hash is the key's alone: an order reported by the campaign hook and by Shopify
   * (other attributes, same order) is one purchase, the second road a duplicate, never a 409.
   */
  async apply(
    em: EntityManager,
    brand: AuthenticatedBrand,
    events: HookEvent[],
    alsoLock: string[],
  ): Promise<EventResult[]> {
    const outcomes = await this.pipeline.applyWithin(
      em,
      brand,
      events.map((e) => ({
        idempotencyKey: e.key,
        requestHash: requestHash({ hook: e.key }),
        type: e.type,
        member: { id: e.memberId },
        occurredAt: e.occurredAt,
        attributes: e.attributes,
      })),
      'hook',
      alsoLock,
    );
    const isConflict = (o: EventOutcome) => 'error' in o && o.error.code === 'event.idempotency_conflict';
    const conflicts = events.filter((_, i) => isConflict(outcomes[i])).map((e) => e.key);
    // the key was used through POST /v1/events with another body: the order is recorded all the same
    const stored = await this.events.findByKeys(em, brand.id, conflicts);
    return outcomes.map((o, i) => {
      if ('result' in o) {
        return o.result;
      }
      const first = stored.get(events[i].key)?.result;
      if (isConflict(o) && first) {
        return { ...first, duplicate: true };
      }
      throw new Error(`hook event ${events[i].key} refused: ${o.error.code}`);
    });
  }
}
