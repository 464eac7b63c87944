import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { validationFailed } from '../common/errors/domain-error.js';
import type { EventEffect } from '../events/event-effects.js';
import { builtInTarget } from '../journey/stage-move.js';
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js';
import { ClaimsService } from './claims.service.js';
import { CampaignConversionDto, type CampaignConversionView } from './dto/campaign-conversion.dto.js';
import { HookBrands } from './hook-brands.js';
import { HookCredentialsService } from './hook-credentials.service.js';
import { HookDeliveriesRepository } from './hook-deliveries.repository.js';
import { HookErrors } from './hook-errors.js';
import { type HookEvent, HookEvents } from './hook-events.js';
import { HookMembers } from './hook-members.js';
import { header, type HookRequest, hookToken, validated } from './hook-request.js';
import { signatureFault } from './standard-webhook.js';

const MAX_FUTURE_MS = 5 * 60_000;
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * POST /v1/hooks/{brandId}/campaigns: an e-mail platform reports that a campaign's customer
 * converted. One transaction: the delivery id, the member (found or enrolled), the move to the
 * conversion stage, the `enrollment` and `purchase` events through the rules, the claim token.
 */
@Injectable()
export class CampaignHookService {
  constructor(
    private readonly db: DataSource,
    private readonly hookBrands: HookBrands,
    private readonly credentials: HookCredentialsService,
    private readonly deliveries: HookDeliveriesRepository,
    private readonly hookMembers: HookMembers,
    private readonly hookEvents: HookEvents,
    private readonly claims: ClaimsService,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
  ) {}

  async convert(req: HookRequest): Promise<CampaignConversionView> {
    const brand = await this.hookBrands.find(req.brandId);
    const deliveryId = await this.authenticate(brand, req);
    const dto = validated(CampaignConversionDto, req.body);
    const occurredAt = dto.occurredAt ? new Date(dto.occurredAt) : null;
    const errors = [];
    if (!dto.externalId && !dto.email) {
      errors.push({ path: 'email', message: 'email or externalId is required' });
    }
    if (occurredAt && (Number.isNaN(occurredAt.getTime()) || occurredAt.getTime() > Date.now() + MAX_FUTURE_MS)) {
      errors.push({ path: 'occurredAt', message: 'must be a date-time no later than now' });
    }
    if (deliveryId !== null && !DELIVERY_ID.test(deliveryId)) {
      errors.push({ path: 'webhook-id', message: 'must be 1-200 printable ASCII characters' });
    }
    if (errors.length) {
      throw validationFailed(errors);
    }
    const box = this.box;
    if (!box) {
      throw HookErrors.noSecretsKey();
    }

    return this.hookEvents.transaction(async (em, alsoLock) => {
      if (deliveryId !== null) {
        const seen = await this.deliveries.claim(em, brand.id, 'campaigns', deliveryId);
        if (!seen.first) {
          const first = seen.answer as CampaignConversionView;
          const claimToken = box.open(first.claimToken);
          return { ...first, claimToken, enrollmentUrl: enrollmentUrl(brand, claimToken) };
        }
      }
      const stageKeys = brand.stages.map((s) => s.key);
      const target = builtInTarget('purchase', 1, brand.settings.transitions, stageKeys);
      const { member, enrolled } = await this.hookMembers.findOrEnrol(
        em,
        brand,
        { externalId: dto.externalId ?? null, email: dto.email?.toLowerCase() ?? null },
        { source: `campaign:${dto.campaignId}`, stage: target ?? stageKeys[0] },
        alsoLock,
      );
      const effects: EventEffect[] = [];
      const moved = enrolled ? null : await this.hookMembers.moveForward(em, brand, member, target);
      if (moved) {
        effects.push({ type: 'stage', from: moved.from, to: moved.to, cause: 'transition' });
      }
      const events: HookEvent[] = [
        {
          key: `campaign:${dto.campaignId}:${member.id}`,
          type: 'enrollment',
          memberId: member.id,
          occurredAt,
          attributes: { campaignId: dto.campaignId, ...(dto.segment ? { segment: dto.segment } : {}) },
        },
      ];
      if (dto.order) {
        events.push({
          key: `order:${dto.order.id}`,
          type: 'purchase',
          memberId: member.id,
          occurredAt,
          attributes: {
            amount: dto.order.amount,
            currency: dto.order.currency,
            orderId: dto.order.id,
            channel: 'campaign',
            campaignId: dto.campaignId,
          },
        });
      }
      const results = await this.hookEvents.apply(em, brand, events, alsoLock);
      for (const r of results) {
        if (!r.duplicate) {
          effects.push(...r.effects);
        }
      }
      const claimToken = await this.claims.issue(em, brand.id, member.id);
      const answer: CampaignConversionView = {
        memberId: member.id,
        enrolled,
        duplicate: dto.order ? results[1].duplicate : false,
        stage: await this.hookMembers.stageOf(em, brand.id, member.id),
        effects: effects as unknown as Array<Record<string, unknown>>,
        claimToken,
        enrollmentUrl: enrollmentUrl(brand, claimToken),
      };
      if (deliveryId !== null) {
        // stored without the token in the clear: sealed, and the link (which carries it) rebuilt on a replay
        await this.deliveries.answer(em, brand.id, 'campaigns', deliveryId, {
          ...answer,
          claimToken: box.seal(claimToken),
          enrollmentUrl: null,
        });
      }
      return answer;
    });
  }

  /** A hook token (X-Hook-Token or ?token=), else a Standard Webhooks signature. Answers the delivery id. */
  private async authenticate(brand: AuthenticatedBrand, req: HookRequest): Promise<string | null> {
    const token = hookToken(req);
    if (token !== undefined) {
      if (!(await this.credentials.isLiveToken(brand.id, token))) {
        throw HookErrors.badHookToken();
      }
      return header(req, 'webhook-id') ?? null;
    }
    const secrets = await this.credentials.openSecrets(this.db.manager, brand.id);
    const fault = signatureFault(
      req.raw,
      {
        'webhook-id': header(req, 'webhook-id'),
        'webhook-timestamp': header(req, 'webhook-timestamp'),
        'webhook-signature': header(req, 'webhook-signature'),
      },
      secrets,
    );
    if (fault) {
      throw HookErrors.badSignature(fault);
    }
    return header(req, 'webhook-id')!;
  }
}

function enrollmentUrl(brand: AuthenticatedBrand, claimToken: string): string | null {
  const landing = brand.settings.enrollmentLandingUrl;
  if (!landing) {
    return null;
  }
  const url = new URL(landing);
  url.searchParams.set('claim', claimToken);
  return url.toString();
}
