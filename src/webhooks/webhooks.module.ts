import { Module } from '@nestjs/common';
import { DeliverWebhooksJob } from './deliver-webhooks.job.js';
import { WebhookDelivery } from './webhook-delivery.js';
import { WebhookDeliveriesController, WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookOutboxRepository } from './webhook-outbox.repository.js';
import { WebhooksScheduler } from './webhooks.scheduler.js';

/**
 * Webhooks out (issue 11 §3): endpoints, the outbox other features write to (WebhookOutbox),
 * and the deliver-webhooks worker. Imports nothing, so every feature can import it.
 */
@Module({
  controllers: [WebhookEndpointsController, WebhookDeliveriesController],
  providers: [
    WebhookEndpointsRepository,
    WebhookOutboxRepository,
    WebhookOutbox,
    WebhookEndpointsService,
    WebhookDelivery,
    DeliverWebhooksJob,
    WebhooksScheduler,
  ],
  exports: [WebhookOutbox, DeliverWebhooksJob],
})
export class WebhooksModule {}
