import { Injectable } from '@nestjs/common';
import { validationFailed } from '../common/errors/domain-error.js';
import type { EventResult } from '../events/event-effects.js';
import { EventsRepository } from '../events/events.repository.js';
import type { IgnoredView } from './dto/campaign-conversion.dto.js';
import { HookBrands } from './hook-brands.js';
import { HookDeliveriesRepository } from './hook-deliveries.repository.js';
import { HookErrors } from './hook-errors.js';
import { HookEvents } from './hook-events.js';
import { HookMembers } from './hook-members.js';
import { header, type HookRequest } from './hook-request.js';
import { ShopifyIntegrationService } from './shopify-integration.service.js';
import { parseShopifyJson, readOrder, readRefund, shopifyHmacMatches } from './shopify-payload.js';

const TOPICS = ['orders/paid', 'refunds/create'];
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

export type ShopifyAnswer = EventResult | IgnoredView;

/**
 * POST /v1/hooks/{brandId}/shopify: orders/paid → a purchase `order:<id>`, refunds/create → a
 * refund `refund:<id>`. Every other topic, and what cannot be tied to a member, answers 200
 * ignored: a non-2xx makes Shopify retry for hours.
 */
@Injectable()
export class ShopifyHookService {
  constructor(
    private readonly hookBrands: HookBrands,
    private readonly integration: ShopifyIntegrationService,
    private readonly deliveries: HookDeliveriesRepository,
    private readonly hookMembers: HookMembers,
    private readonly hookEvents: HookEvents,
    private readonly events: EventsRepository,
  ) {}

  async receive(req: HookRequest): Promise<ShopifyAnswer> {
    const brand = await this.hookBrands.find(req.brandId);
    const verification = await this.integration.verification(brand.id);
    if (!verification) {
      throw HookErrors.shopifyNotConfigured();
    }
    if (!shopifyHmacMatches(req.raw, header(req, 'x-shopify-hmac-sha256'), verification.secrets)) {
      throw HookErrors.badShopifyHmac();
    }
    if (header(req, 'x-shopify-shop-domain')?.toLowerCase() !== verification.shopDomain) {
      throw HookErrors.wrongShop();
    }
    const topic = header(req, 'x-shopify-topic') ?? '';
    if (!TOPICS.includes(topic)) {
      return { ignored: topic.slice(0, 100) };
    }
    const webhookId = header(req, 'x-shopify-webhook-id') ?? null;
    if (webhookId !== null && !DELIVERY_ID.test(webhookId)) {
      throw validationFailed([{ path: 'X-Shopify-Webhook-Id', message: 'must be 1-200 printable ASCII characters' }]);
    }
    const parsed = parseShopifyJson(req.raw);
    if (!parsed.ok) {
      throw validationFailed(parsed.errors);
    }
    const order = topic === 'orders/paid' ? readOrder(parsed.value, verification.amountField) : null;
    const refund = topic === 'refunds/create' ? readRefund(parsed.value) : null;
    const fault = order && !order.ok ? order.errors : refund && !refund.ok ? refund.errors : null;
    if (fault) {
      throw validationFailed(fault);
    }
    const o = order?.ok ? order.value : null;
    const r = refund?.ok ? refund.value : null;

    return this.hookEvents.transaction(async (em, alsoLock): Promise<ShopifyAnswer> => {
      if (webhookId !== null) {
        const seen = await this.deliveries.claim(em, brand.id, 'shopify', webhookId);
        if (!seen.first) {
          return seen.answer as ShopifyAnswer;
        }
      }
      let answer: ShopifyAnswer = { ignored: topic };
      if (o) {
        if (!o.customerId && !o.email) {
          answer = { ignored: topic, reason: 'the order has no customer and no e-mail' };
        } else {
          const { member } = await this.hookMembers.findOrEnrol(
            em,
            brand,
            { externalId: o.customerId, email: o.email },
            { source: 'shopify', stage: brand.stages[0].key },
            alsoLock,
          );
          [answer] = await this.hookEvents.apply(
            em,
            brand,
            [
              {
                key: `order:${o.orderId}`,
                type: 'purchase',
                memberId: member.id,
                occurredAt: null,
                attributes: {
                  amount: o.amount,
                  ...(o.currency ? { currency: o.currency } : {}),
                  orderId: o.orderId,
                  channel: 'shopify',
                },
              },
            ],
            alsoLock,
          );
        }
      } else if (r) {
        // a refund names its order only: the member is the one the order's purchase was recorded for
        const purchase = (await this.events.findByKeys(em, brand.id, [`order:${r.orderId}`])).get(`order:${r.orderId}`);
        const memberId = purchase?.result?.member.id;
        if (!memberId) {
          answer = { ignored: topic, reason: `order ${r.orderId} was never recorded` };
        } else {
          [answer] = await this.hookEvents.apply(
            em,
            brand,
            [
              {
                key: `refund:${r.refundId}`,
                type: 'refund',
                memberId,
                occurredAt: null,
                attributes: {
                  amount: r.amount,
                  ...(r.currency ? { currency: r.currency } : {}),
                  orderId: r.orderId,
                  channel: 'shopify',
                },
              },
            ],
            alsoLock,
          );
        }
      }
      if (webhookId !== null) {
        await this.deliveries.answer(em, brand.id, 'shopify', webhookId, answer);
      }
      return answer;
    });
  }
}
