import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { subscribes } from './webhook-endpoint.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { type OutboxRecord, WebhookOutboxRepository } from './webhook-outbox.repository.js';
import { payloadOf, type WebhookChange } from './webhook-events.js';

/**
 * How long an instance trusts what it read of a brand's enabled endpoints. An endpoint created,
 * changed or disabled on another instance is seen here within this time; this instance's own
 * changes at once. The cost is one indexed read of a few rows per active brand per second (off
 * the hot path's locks), while a version check on every request would need a column the brand's
 * authentication reads; a brand without endpoints then costs nothing more than that read.
 */
export const SUBSCRIPTIONS_TTL_MS = 1_000;
const MAX_CACHED_BRANDS = 10_000;

/** A brand's enabled endpoints and the types each listens to. */
export class Subscriptions {
  constructor(readonly endpoints: ReadonlyArray<{ id: string; events: readonly string[] }>) {}

  get none(): boolean {
    return this.endpoints.length === 0;
  }

  /** The outbox rows of these changes: one per change and subscribed endpoint, all with the change's message id. */
  records(changes: readonly WebhookChange[]): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    if (this.none) {
      return out;
    }
    for (const c of changes) {
      const to = this.endpoints.filter((e) => subscribes(e.events, c.type));
      if (to.length === 0) {
        continue;
      }
      const id = newId();
      const payload = payloadOf(c.type, c.at ?? new Date(), c.data);
      for (const e of to) {
        out.push({ endpointId: e.id, id, type: c.type, payload });
      }
    }
    return out;
  }

  wants(type: string): boolean {
    return this.endpoints.some((e) => subscribes(e.events, type));
  }
}

/**
 * The outbox other features write to, inside their own transactions: a message row per change
 * and subscribed endpoint, committed (or rolled back) with the change it reports.
 */
@Injectable()
export class WebhookOutbox {
  private readonly cache = new Map<string, { at: number; subs: Promise<Subscriptions> }>();

  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly outbox: WebhookOutboxRepository,
  ) {}

  /** The brand's subscriptions, from this instance's cache (at most SUBSCRIPTIONS_TTL_MS old). */
  subscriptions(em: EntityManager, brandId: string): Promise<Subscriptions> {
    const hit = this.cache.get(brandId);
    if (hit && Date.now() - hit.at < SUBSCRIPTIONS_TTL_MS) {
      return hit.subs;
    }
    const subs = this.endpoints.enabledSubscriptions(em, brandId).then((rows) => new Subscriptions(rows));
    if (this.cache.size >= MAX_CACHED_BRANDS) {
      this.cache.clear();
    }
    this.cache.set(brandId, { at: Date.now(), subs });
    subs.catch(() => this.cache.delete(brandId));
    return subs;
  }

  /** An endpoint of the brand changed here: read again next time. */
  forget(brandId: string): void {
    this.cache.delete(brandId);
  }

  /**
   * Writes the messages of `changes` in the caller's transaction, for the endpoints subscribed
   * to their types; nothing (and no statement) when none is.
   */
  async enqueue(em: EntityManager, brandId: string, changes: WebhookChange | readonly WebhookChange[]): Promise<void> {
    const list = Array.isArray(changes) ? changes : [changes as WebhookChange];
    if (list.length === 0) {
      return;
    }
    const subs = await this.subscriptions(em, brandId);
    await this.outbox.insert(em, brandId, subs.records(list));
  }
}
