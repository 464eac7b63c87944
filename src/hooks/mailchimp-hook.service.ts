import { Injectable } from '@nestjs/common';
import { validationFailed } from '../common/errors/domain-error.js';
import type { MailchimpAnswerView } from './dto/campaign-conversion.dto.js';
import { HookBrands } from './hook-brands.js';
import { HookCredentialsService } from './hook-credentials.service.js';
import { HookErrors } from './hook-errors.js';
import { HookEvents } from './hook-events.js';
import { HookMembers } from './hook-members.js';
import { type HookRequest, hookToken } from './hook-request.js';
import { readMailchimp } from './mailchimp-form.js';

/** Mailchimp audience webhooks (they cannot sign: a hook token in the URL). */
@Injectable()
export class MailchimpHookService {
  constructor(
    private readonly hookBrands: HookBrands,
    private readonly credentials: HookCredentialsService,
    private readonly hookMembers: HookMembers,
    private readonly hookEvents: HookEvents,
  ) {}

  /** GET: Mailchimp checks the URL when it is saved. */
  async check(req: HookRequest): Promise<{ ok: true }> {
    await this.authenticate(req);
    return { ok: true };
  }

  /** `subscribe` enrols the subscriber with an `enrollment` event; every other type is ignored. */
  async receive(req: HookRequest): Promise<MailchimpAnswerView> {
    const brand = await this.authenticate(req);
    const read = readMailchimp(req.body);
    if (!read.ok) {
      throw validationFailed(read.errors);
    }
    const delivery = read.value;
    if (delivery.type === 'other') {
      return { ignored: delivery.name };
    }
    return this.hookEvents.transaction(async (em, alsoLock) => {
      const { member, enrolled } = await this.hookMembers.findOrEnrol(
        em,
        brand,
        { externalId: null, email: delivery.email },
        { source: `mailchimp:${delivery.listId}`, stage: brand.stages[0].key },
        alsoLock,
      );
      // a re-subscription is the same key: enrolled once per audience
      const [result] = await this.hookEvents.apply(
        em,
        brand,
        [
          {
            key: `mailchimp:${delivery.listId}:${member.id}`,
            type: 'enrollment',
            memberId: member.id,
            occurredAt: null,
            attributes: { listId: delivery.listId, channel: 'mailchimp' },
          },
        ],
        alsoLock,
      );
      return {
        memberId: member.id,
        enrolled,
        stage: await this.hookMembers.stageOf(em, brand.id, member.id),
        effects: (result.duplicate ? [] : result.effects) as unknown as Array<Record<string, unknown>>,
      };
    });
  }

  private async authenticate(req: HookRequest) {
    const brand = await this.hookBrands.find(req.brandId);
    if (!(await this.credentials.isLiveToken(brand.id, hookToken(req)))) {
      throw HookErrors.badHookToken();
    }
    return brand;
  }
}
