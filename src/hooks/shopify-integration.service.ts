import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction.js';
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js';
import type { PutShopifyIntegrationDto, ShopifyIntegrationView } from './dto/shopify-integration.dto.js';
import { HookErrors } from './hook-errors.js';
import { type AmountField, ShopifyIntegrationRepository } from './shopify-integration.repository.js';

/** Shopify signs with the old secret for up to an hour after a rotation. */
const PREVIOUS_SECRET_MS = 60 * 60_000;

export interface ShopifyVerification {
  shopDomain: string;
  amountField: AmountField;
  /** The current secret, and the previous one while it is still accepted. */
  secrets: string[];
}

@Injectable()
export class ShopifyIntegrationService {
  constructor(
    private readonly db: DataSource,
    private readonly integrations: ShopifyIntegrationRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
  ) {}

  async put(brandId: string, dto: PutShopifyIntegrationDto): Promise<ShopifyIntegrationView> {
    const box = this.requireBox();
    return inTransaction(this.db, async (em) => {
      const current = await this.integrations.find(em, brandId, true);
      const amountField = dto.amountField ?? 'subtotal_price';
      const currentSecret = current ? box.open(current.sealedSecret) : null;
      const rotated = currentSecret !== null && currentSecret !== dto.clientSecret;
      await this.integrations.save(em, brandId, {
        shopDomain: dto.shopDomain,
        amountField,
        sealedSecret: box.seal(dto.clientSecret),
        previousSealedSecret: rotated ? current!.sealedSecret : (current?.previousSealedSecret ?? null),
        previousValidUntil: rotated ? new Date(Date.now() + PREVIOUS_SECRET_MS) : (current?.previousValidUntil ?? null),
      });
      return { shopDomain: dto.shopDomain, amountField, secretSet: true };
    });
  }

  async get(brandId: string): Promise<ShopifyIntegrationView> {
    const row = await this.integrations.find(this.db.manager, brandId);
    if (!row) {
      throw HookErrors.shopifyNotFound();
    }
    return { shopDomain: row.shopDomain, amountField: row.amountField, secretSet: true };
  }

  /** What a delivery is verified against; null when the brand has no integration. */
  async verification(brandId: string, now = new Date()): Promise<ShopifyVerification | null> {
    const row = await this.integrations.find(this.db.manager, brandId);
    if (!row) {
      return null;
    }
    const box = this.requireBox();
    const secrets = [box.open(row.sealedSecret)];
    if (row.previousSealedSecret && row.previousValidUntil && row.previousValidUntil > now) {
      secrets.push(box.open(row.previousSealedSecret));
    }
    return { shopDomain: row.shopDomain, amountField: row.amountField, secrets };
  }

  private requireBox(): SecretBox {
    if (!this.box) {
      throw HookErrors.noSecretsKey();
    }
    return this.box;
  }
}
