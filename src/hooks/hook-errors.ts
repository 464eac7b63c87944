import { DomainError } from '../common/errors/domain-error.js';

export const HookErrors = {
  brandNotFound: (id: string) => new DomainError('not_found', 'brand.not_found', `No brand ${id.slice(0, 100)}`),
  badSignature: (why: string) =>
    new DomainError(
      'unauthorized',
      'hook.bad_signature',
      `The webhook signature does not verify (${why}): sign with a live hook secret, or send a hook token`,
    ),
  badHookToken: () =>
    new DomainError(
      'unauthorized',
      'hook.bad_token',
      'A live hook token is required (X-Hook-Token header or ?token=ht_…)',
    ),
  shopifyNotConfigured: () =>
    new DomainError(
      'unauthorized',
      'hook.shopify_not_configured',
      'This brand has no Shopify integration (PUT /v1/brand/integrations/shopify)',
    ),
  badShopifyHmac: () =>
    new DomainError(
      'unauthorized',
      'hook.bad_signature',
      'X-Shopify-Hmac-Sha256 does not verify with the client secret',
    ),
  wrongShop: () =>
    new DomainError(
      'unauthorized',
      'hook.wrong_shop',
      'X-Shopify-Shop-Domain is not the shop configured for this brand',
    ),
  tooManySecrets: () =>
    new DomainError(
      'conflict',
      'hook_secret.limit',
      'At most two hook secrets can be live at once: revoke one before creating another',
    ),
  secretNotFound: (id: string) => new DomainError('not_found', 'hook_secret.not_found', `No live hook secret ${id}`),
  tokenNotFound: (id: string) => new DomainError('not_found', 'hook_token.not_found', `No live hook token ${id}`),
  shopifyNotFound: () =>
    new DomainError('not_found', 'shopify.not_configured', 'No Shopify integration: PUT one first'),
  noSecretsKey: () =>
    new DomainError('unavailable', 'secrets.no_key', 'SECRETS_KEY is not set: secrets cannot be stored'),
};

export const ClaimErrors = {
  notFound: () => new DomainError('not_found', 'claim.not_found', 'No such claim token'),
  gone: () => new DomainError('gone', 'claim.gone', 'This claim token was already used or has expired'),
};
