import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { WebhookDelivery } from './webhook-delivery.js';

/**
 * Wakes the worker every second (where SCHEDULER_ENABLED loads ScheduleModule): a message is
 * sent within about a second of its commit. Every instance polls; SKIP LOCKED shares the rows.
 */
@Injectable()
export class WebhooksScheduler {
  private readonly logger = new Logger('WebhooksScheduler');

  constructor(private readonly delivery: WebhookDelivery) {}

  @Interval('deliver-webhooks', 1_000)
  async deliver(): Promise<void> {
    try {
      await this.delivery.deliverDue(new Date());
    } catch (e) {
      this.logger.error({ msg: 'webhook delivery pass failed', err: e });
    }
  }
}
