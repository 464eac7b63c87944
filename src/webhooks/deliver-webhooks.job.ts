import { Injectable } from '@nestjs/common';
import { count, JOB_LOCK_KEYS, type Job, type Processed } from '../jobs/job.js';
import { WebhookDelivery } from './webhook-delivery.js';

/**
 * deliver-webhooks as a job: what the operator's POST /v1/admin/jobs/deliver-webhooks/run (and
 * a test moving the clock with `now`) runs. The scheduler wakes the worker every second itself,
 * without a run record each time.
 */
@Injectable()
export class DeliverWebhooksJob implements Job {
  readonly name = 'deliver-webhooks';
  readonly lockKey = JOB_LOCK_KEYS['deliver-webhooks'];

  constructor(private readonly delivery: WebhookDelivery) {}

  async run(now: Date, processed: Processed): Promise<void> {
    const pass = await this.delivery.deliverDue(now);
    for (const [key, n] of Object.entries(pass)) {
      count(processed, key, n);
    }
  }
}
