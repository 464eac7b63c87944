import type { WebhookEndpoint } from '../webhook-endpoint.js';
import type { WebhookEndpointView } from './webhook-endpoint.dto.js';

export function toWebhookEndpointView(e: WebhookEndpoint): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    status: e.status,
    disabledReason: e.disabledReason,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
