import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

export type HookSource = 'campaigns' | 'shopify';

/** Delivery ids already processed (`webhook-id`, `X-Shopify-Webhook-Id`), each with its first answer. */
@Injectable()
export class HookDeliveriesRepository {
  /**
   * Claims a delivery id in the caller's transaction: `first` (do the work, then `answer`), or
   * the stored first answer. A concurrent delivery of the same id waits
   * here until the first one commits (and then reads its answer) or rolls back (and claims it).
   */
  async claim(
    em: EntityManager,
    brandId: string,
    source: HookSource,
    deliveryId: string,
  ): Promise<{ first: true } | { first: false; answer: unknown }> {
    const inserted = await queryRows(
      em,
      `INSERT INTO hook_deliveries (brand_id, source, delivery_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING delivery_id`,
      [brandId, source, deliveryId],
    );
    if (inserted.length) {
      return { first: true };
    }
    const rows = await queryRows<{ answer: unknown }>(
      em,
      `SELECT answer FROM hook_deliveries WHERE brand_id = $1 AND source = $2 AND delivery_id = $3`,
      [brandId, source, deliveryId],
    );
    return { first: false, answer: rows[0]?.answer ?? null };
  }

  async answer(
    em: EntityManager,
    brandId: string,
    source: HookSource,
    deliveryId: string,
    answer: unknown,
  ): Promise<void> {
    await em.query(`UPDATE hook_deliveries SET answer = $4 WHERE brand_id = $1 AND source = $2 AND delivery_id = $3`, [
      brandId,
      source,
      deliveryId,
      JSON.stringify(answer),
    ]);
  }
}
