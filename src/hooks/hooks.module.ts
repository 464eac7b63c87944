import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { JourneyModule } from '../journey/journey.module.js';
import { MembersModule } from '../members/members.module.js';
import { CampaignHookService } from './campaign-hook.service.js';
import { ClaimsController } from './claims.controller.js';
import { ClaimsRepository } from './claims.repository.js';
import { ClaimsService } from './claims.service.js';
import { HookBrands } from './hook-brands.js';
import { HookCredentialsController } from './hook-credentials.controller.js';
import { HookCredentialsRepository } from './hook-credentials.repository.js';
import { HookCredentialsService } from './hook-credentials.service.js';
import { HookDeliveriesRepository } from './hook-deliveries.repository.js';
import { HookEvents } from './hook-events.js';
import { HookMembers } from './hook-members.js';
import { HooksController } from './hooks.controller.js';
import { MailchimpHookService } from './mailchimp-hook.service.js';
import { ShopifyHookService } from './shopify-hook.service.js';
import { ShopifyIntegrationController } from './shopify-integration.controller.js';
import { ShopifyIntegrationRepository } from './shopify-integration.repository.js';
import { ShopifyIntegrationService } from './shopify-integration.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

/** Webhooks in (issue 11 §1–2): campaign conversions, Mailchimp sign-ups, Shopify orders; claim links. */
@Module({
  imports: [EventsModule, MembersModule, JourneyModule, WebhooksModule],
  controllers: [HooksController, HookCredentialsController, ShopifyIntegrationController, ClaimsController],
  providers: [
    HookBrands,
    HookCredentialsRepository,
    HookCredentialsService,
    HookDeliveriesRepository,
    HookEvents,
    HookMembers,
    ClaimsRepository,
    ClaimsService,
    CampaignHookService,
    MailchimpHookService,
    ShopifyHookService,
    ShopifyIntegrationRepository,
    ShopifyIntegrationService,
  ],
})
export class HooksModule {}
