import type { DeliveryRow } from '../webhook-outbox.repository.js';
import type { WebhookDeliveryView } from './webhook-endpoint.dto.js';

export function toWebhookDeliveryView(d: DeliveryRow): WebhookDeliveryView {
  return {
    id: d.id,
    messageId: d.messageId,
    type: d.type,
    attempt: d.attempt,
    attemptedAt: d.attemptedAt.toISOString(),
    statusCode: d.statusCode,
    durationMs: d.durationMs,
    error: d.error,
    nextAttemptAt: d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
  };
}
