import { DomainError } from '../common/errors/domain-error.js';

export const BrandErrors = {
  invalidKey: () =>
    new DomainError(
      'unauthorized',
      'auth.invalid_api_key',
      'A valid secret API key is required (Authorization: Bearer sk_…)',
    ),
  keyNotFound: (id: string) => new DomainError('not_found', 'brand.key_not_found', `No live API key ${id}`),
  lastKey: () =>
    new DomainError(
      'conflict',
      'brand.last_key',
      "This is the brand's only live key: create another before revoking it",
    ),
  notFound: () => new DomainError('not_found', 'brand.not_found', 'Brand not found'),
};
