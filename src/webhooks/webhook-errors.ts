import { type ErrorCatalogue, errorsOf, validationFailed } from '../common/errors/domain-error.js';

export const WEBHOOK_ERRORS = {
  'webhook_endpoint.not_found': { kind: 'not_found', meaning: 'No webhook endpoint of this brand has that id' },
  'webhook_endpoint.disabled': {
    kind: 'conflict',
    meaning: 'The webhook endpoint is disabled: enable it (`PATCH … {"status":"enabled"}`) before testing it',
  },
  'webhook_delivery.not_found': { kind: 'not_found', meaning: 'No webhook delivery of this brand has that id' },
  'webhook_endpoint.no_secrets_key': {
    kind: 'unavailable',
    meaning: '`SECRETS_KEY` is not set, so a signing secret cannot be stored',
  },
} as const satisfies ErrorCatalogue<string>;

export type WebhookErrorCode = keyof typeof WEBHOOK_ERRORS;
const webhookError = errorsOf<WebhookErrorCode>(WEBHOOK_ERRORS);

export const WebhookErrors = {
  endpointNotFound: (id: string) => webhookError('webhook_endpoint.not_found', `No webhook endpoint ${id}`),
  deliveryNotFound: (id: string) => webhookError('webhook_delivery.not_found', `No webhook delivery ${id}`),
  /** A target the SSRF guard refuses: bad input, on the `url` field. */
  refusedUrl: (reason: string) => validationFailed([{ path: 'url', message: reason }], `url: ${reason}`),
  disabled: (id: string) =>
    webhookError('webhook_endpoint.disabled', `Webhook endpoint ${id} is disabled: enable it first`),
  noSecretsKey: () =>
    webhookError('webhook_endpoint.no_secrets_key', 'SECRETS_KEY is not set: signing secrets cannot be stored'),
};
