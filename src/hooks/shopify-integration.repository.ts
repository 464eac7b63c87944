import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

export type AmountField = 'subtotal_price' | 'total_price';

export interface ShopifyIntegrationRow {
  shopDomain: string;
  amountField: AmountField;
  sealedSecret: string;
  previousSealedSecret: string | null;
  previousValidUntil: Date | null;
}

/** A brand's Shopify shop: its client secret sealed, the one before a rotation kept for a while. */
@Injectable()
export class ShopifyIntegrationRepository {
  async find(em: EntityManager, brandId: string, lock = false): Promise<ShopifyIntegrationRow | null> {
    const rows = await queryRows(
      em,
      `SELECT shop_domain, amount_field, sealed_secret, previous_sealed_secret, previous_valid_until
         FROM shopify_integrations WHERE brand_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [brandId],
    );
    if (!rows.length) {
      return null;
    }
    const r = rows[0];
    return {
      shopDomain: r.shop_domain as string,
      amountField: r.amount_field as AmountField,
      sealedSecret: r.sealed_secret as string,
      previousSealedSecret: (r.previous_sealed_secret as string | null) ?? null,
      previousValidUntil: (r.previous_valid_until as Date | null) ?? null,
    };
  }

  async save(em: EntityManager, brandId: string, row: ShopifyIntegrationRow): Promise<void> {
    await em.query(
      `INSERT INTO shopify_integrations (brand_id, shop_domain, amount_field, sealed_secret, previous_sealed_secret, previous_valid_until)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (brand_id) DO UPDATE
         SET shop_domain = EXCLUDED.shop_domain, amount_field = EXCLUDED.amount_field, sealed_secret = EXCLUDED.sealed_secret,
             previous_sealed_secret = EXCLUDED.previous_sealed_secret, previous_valid_until = EXCLUDED.previous_valid_until,
             updated_at = now()`,
      [brandId, row.shopDomain, row.amountField, row.sealedSecret, row.previousSealedSecret, row.previousValidUntil],
    );
  }
}
