import { validationFailed } from '../common/errors/domain-error.js';
import { isUuid } from '../common/ids.js';

/** Catalog and redemption cursors are ids (UUID v7, time-ordered); anything else is a 400, never a database error. */
export function pageCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  if (!isUuid(cursor)) {
    throw validationFailed([{ path: 'cursor', message: 'must be a nextCursor from a previous page' }]);
  }
  return cursor.toLowerCase();
}
