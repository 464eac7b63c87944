import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const HOOK_ERRORS = {
  'hook.bad_signature': {
    kind: 'unauthorized',
    meaning:
      'A webhook signature (Standard Webhooks, or `X-Shopify-Hmac-Sha256`) does not verify, or its timestamp is more than 5 minutes off',
  },
  'hook.bad_token': { kind: 'unauthorized', meaning: 'The hook token is missing, unknown or revoked' },
  'hook.shopify_not_configured': {
    kind: 'unauthorized',
    meaning: 'A Shopify webhook came for a brand with no Shopify integration',
  },
  'hook.wrong_shop': {
    kind: 'unauthorized',
    meaning: '`X-Shopify-Shop-Domain` is not the shop configured for this brand',
  },
  'hook_secret.limit': { kind: 'conflict', meaning: 'Two hook secrets are live already: revoke one first' },
  'hook_secret.not_found': { kind: 'not_found', meaning: 'No live hook secret of this brand has that id' },
  'hook_token.not_found': { kind: 'not_found', meaning: 'No live hook token of this brand has that id' },
  'shopify.not_configured': { kind: 'not_found', meaning: 'The brand has no Shopify integration to show' },
  'secrets.no_key': {
    kind: 'unavailable',
    meaning: 'The service has no `SECRETS_KEY`, so hook secrets cannot be stored or read',
  },
  'claim.not_found': { kind: 'not_found', meaning: 'No conversion issued that claim token' },
  'claim.gone': { kind: 'gone', meaning: 'The claim token was already used, or is older than 7 days' },
} as const satisfies ErrorCatalogue<string>;

export type HookErrorCode = keyof typeof HOOK_ERRORS;
const hookError = errorsOf<HookErrorCode>(HOOK_ERRORS);

export const HookErrors = {
  badSignature: (why: string) =>
    hookError(
      'hook.bad_signature',
      `The webhook signature does not verify (${why}): sign with a live hook secret, or send a hook token`,
    ),
  badHookToken: () => hookError('hook.bad_token', 'A live hook token is required (X-Hook-Token header or ?token=ht_…)'),
  shopifyNotConfigured: () =>
    hookError(
      'hook.shopify_not_configured',
      'This brand has no Shopify integration (PUT /v1/brand/integrations/shopify)',
    ),
  badShopifyHmac: () => hookError('hook.bad_signature', 'X-Shopify-Hmac-Sha256 does not verify with the client secret'),
  wrongShop: () => hookError('hook.wrong_shop', 'X-Shopify-Shop-Domain is not the shop configured for this brand'),
  tooManySecrets: () =>
    hookError('hook_secret.limit', 'At most two hook secrets can be live at once: revoke one before creating another'),
  secretNotFound: (id: string) => hookError('hook_secret.not_found', `No live hook secret ${id}`),
  tokenNotFound: (id: string) => hookError('hook_token.not_found', `No live hook token ${id}`),
  shopifyNotFound: () => hookError('shopify.not_configured', 'No Shopify integration: PUT one first'),
  noSecretsKey: () => hookError('secrets.no_key', 'SECRETS_KEY is not set: secrets cannot be stored'),
};

export const ClaimErrors = {
  notFound: () => hookError('claim.not_found', 'No such claim token'),
  gone: () => hookError('claim.gone', 'This claim token was already used or has expired'),
};
