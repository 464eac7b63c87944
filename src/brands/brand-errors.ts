import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const BRAND_ERRORS = {
  'auth.invalid_api_key': { kind: 'unauthorized', meaning: 'The secret API key is missing, unknown or revoked' },
  'brand.key_not_found': { kind: 'not_found', meaning: 'No live API key of this brand has that id' },
  'brand.last_key': { kind: 'conflict', meaning: "The key is the brand's only live key: create another first" },
  'brand.not_found': { kind: 'not_found', meaning: 'No brand has that id' },
} as const satisfies ErrorCatalogue<string>;

export type BrandErrorCode = keyof typeof BRAND_ERRORS;
const brandError = errorsOf<BrandErrorCode>(BRAND_ERRORS);

export const BrandErrors = {
  invalidKey: () =>
    brandError('auth.invalid_api_key', 'A valid secret API key is required (Authorization: Bearer sk_…)'),
  keyNotFound: (id: string) => brandError('brand.key_not_found', `No live API key ${id}`),
  lastKey: () => brandError('brand.last_key', "This is the brand's only live key: create another before revoking it"),
  notFound: () => brandError('brand.not_found', 'Brand not found'),
};
