import { DomainError } from '../common/errors/domain-error.js';

export const WebhookErrors = {
  endpointNotFound: (id: string) =>
    new DomainError('not_found', 'webhook_endpoint.not_found', `No webhook endpoint ${id}`),
  deliveryNotFound: (id: string) =>
    new DomainError('not_found', 'webhook_delivery.not_found', `No webhook delivery ${id}`),
  refusedUrl: (reason: string) =>
    new DomainError('invalid', 'validation_failed', `url: ${reason}`, [{ path: 'url', message: reason }]),
  disabled: (id: string) =>
    new DomainError('conflict', 'webhook_endpoint.disabled', `Webhook endpoint ${id} is disabled: enable it first`),
  noSecretsKey: () =>
    new DomainError('unavailable', 'secrets.no_key', 'SECRETS_KEY is not set: signing secrets cannot be stored'),
};
