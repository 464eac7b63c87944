import type { EntityManager } from 'typeorm';
import { queryPrepared } from './query-rows.js';

/**
 * One table's part of a combined write: a data-modifying CTE reading its own parameters. The
 * table's repository owns the SQL and the encoding of its rows; `writeTogether` joins the
 * fragments of several tables into ONE statement (on the hot path a round trip costs more than
 * the rows). `$1` is the brand id in every fragment.
 */
export interface WriteFragment {
  /** The CTE's name, unique within a statement. */
  readonly name: string;
  /** Its parameters, numbered `$at`, `$at+1`… in `cte`. */
  readonly params: readonly unknown[];
  /** The data-modifying statement (INSERT/UPDATE), without the `name AS (…)` around it. */
  cte(at: number): string;
  /**
   * A statement that must see the rows this write made (CTEs of one statement share one
   * snapshot): run right after it, in the same transaction.
   */
  then?(em: EntityManager, brandId: string): Promise<unknown>;
}

/**
 * Writes the fragments in one statement, then runs their follow-ups. A factory answers null
 * when it has no rows, and that fragment is left out.
 */
export async function writeTogether(
  em: EntityManager,
  brandId: string,
  fragments: ReadonlyArray<WriteFragment | null>,
): Promise<void> {
  const present = fragments.filter((f): f is WriteFragment => f !== null);
  if (present.length === 0) {
    return;
  }
  const params: unknown[] = [brandId];
  const ctes = present.map((f) => {
    const at = params.length + 1;
    params.push(...f.params);
    return `${f.name} AS (${f.cte(at)})`;
  });
  // A prepared statement per combination of fragments: planned once per connection.
  await queryPrepared(em, `WITH ${ctes.join(',\n')}\nSELECT 1`, params);
  for (const f of present) {
    await f.then?.(em, brandId);
  }
}
