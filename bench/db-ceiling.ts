import pg from 'pg';
import { newId } from '../src/common/ids.js';
import { type LoadResult, summarise } from './load.js';
import { skewedMember } from './workload.js';

/**
 * The database ceiling: the writes the pipeline makes for one event — the event row with its
 * unique key, the member lock, a ledger entry, the balance update — straight through pg, one
 * transaction per event, at the same concurrency as the service run.
 */
export async function ceiling(
  url: string,
  brandId: string,
  memberIds: string[],
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  return closedLoopOnPg(url, concurrency, seconds, 1, (client, n) =>
    writeOneEvent(client, brandId, memberIds[skewedMember(memberIds.length)], `ceiling-${process.pid}-${n}`),
  );
}

/**
 * `concurrency` clients, each on its own connection, running `write` back to back for
 * `seconds`; a failed write is rolled back and counted as an error.
 */
async function closedLoopOnPg(
  url: string,
  concurrency: number,
  seconds: number,
  units: number,
  write: (client: pg.PoolClient, n: number) => Promise<void>,
): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          await write(client, n++);
          latencies.push(performance.now() - t0);
        } catch (e) {
          errors++;
          if (errors === 1) {
            console.error(`[bench] a ceiling write failed: ${(e as Error).message}`);
          }
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.end();
  return summarise(concurrency, seconds, latencies, errors, units);
}

/** The ceiling's writes at a fixed rate: the database's own latency at the load the service was measured at. */
export async function ceilingAtRate(
  url: string,
  brandId: string,
  memberIds: string[],
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: url, max: 64 });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < Math.floor(rate * seconds); i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) {
      await new Promise((r) => setTimeout(r, wait));
    }
    inflight.push(
      (async () => {
        const t0 = performance.now();
        const client = await pool.connect();
        try {
          await writeOneEvent(
            client,
            brandId,
            memberIds[skewedMember(memberIds.length)],
            `ceiling-rate-${process.pid}-${n++}`,
          );
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
          await client.query('ROLLBACK').catch(() => undefined);
        } finally {
          client.release();
        }
      })(),
    );
  }
  await Promise.all(inflight);
  await pool.end();
  return summarise(rate, seconds, latencies, errors);
}

/**
 * One event's writes, in the pipeline's order: the member lock first, then the event row with
 * its unique key, a ledger entry, the balance. (The event row's foreign key takes a KEY SHARE
 * lock on the member: taken before FOR UPDATE, two writers of one member deadlock.)
 */
async function writeOneEvent(client: pg.PoolClient, brandId: string, memberId: string, key: string): Promise<void> {
  const eventId = newId();
  await client.query('BEGIN');
  const m = await client.query(
    'SELECT points_available, points_pending FROM members WHERE brand_id = $1 AND id = $2 FOR UPDATE',
    [brandId, memberId],
  );
  await client.query(
    `INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin)
     VALUES ($1, $2, $3, 'x', 'purchase', $4, now(), '{"amount":"10.00"}', 'ceiling') ON CONFLICT DO NOTHING`,
    [brandId, eventId, key, memberId],
  );
  const after = Number(m.rows[0].points_available) + Number(m.rows[0].points_pending) + 10;
  await client.query(
    `INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, event_id, available_at)
     VALUES ($1, $2, $3, 'earn', 'available', 10, $4, $5, now())`,
    [brandId, newId(), memberId, after, eventId],
  );
  await client.query(
    'UPDATE members SET points_available = points_available + 10, lifetime_earned = lifetime_earned + 10 WHERE brand_id = $1 AND id = $2',
    [brandId, memberId],
  );
  await client.query('COMMIT');
}

/**
 * The batch ceiling: the same writes for `size` events, issued set-based straight through pg in
 * one transaction per batch (one statement per table, members locked in id order), by
 * `concurrency` clients as the batch step runs.
 */
export async function batchCeiling(
  url: string,
  brandId: string,
  memberIds: string[],
  concurrency: number,
  seconds: number,
  size: number,
): Promise<LoadResult> {
  return closedLoopOnPg(url, concurrency, seconds, size, (client, n) =>
    writeBatch(
      client,
      brandId,
      Array.from({ length: size }, () => memberIds[skewedMember(memberIds.length)]),
      `ceiling-batch-${process.pid}-${n}`,
    ),
  );
}

/** Members locked first in id order (as the pipeline does), then the rows: no two batches deadlock. */
async function writeBatch(client: pg.PoolClient, brandId: string, members: string[], keyPrefix: string): Promise<void> {
  const eventIds = members.map(() => newId());
  await client.query('BEGIN');
  const locked = await client.query<{ id: string; points_available: string; points_pending: string }>(
    'SELECT id, points_available, points_pending FROM members WHERE brand_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE',
    [brandId, [...new Set(members)].sort()],
  );
  await client.query(
    `INSERT INTO events (brand_id, id, idempotency_key, request_hash, type, member_id, occurred_at, attributes, origin)
     SELECT $1, e.id, $2 || '-' || e.n, 'x', 'purchase', e.member_id, now(), '{"amount":"10.00"}', 'ceiling'
       FROM unnest($3::uuid[], $4::uuid[]) WITH ORDINALITY AS e(id, member_id, n)
     ON CONFLICT DO NOTHING`,
    [brandId, keyPrefix, eventIds, members],
  );
  const balance = new Map(locked.rows.map((r) => [r.id, Number(r.points_available) + Number(r.points_pending)]));
  const after = members.map((m) => {
    const b = (balance.get(m) ?? 0) + 10;
    balance.set(m, b);
    return b;
  });
  await client.query(
    `INSERT INTO ledger_entries (brand_id, id, member_id, kind, status, points, balance_after, event_id, available_at)
     SELECT $1, e.id, e.member_id, 'earn', 'available', 10, e.balance_after, e.event_id, now()
       FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::uuid[]) AS e(id, member_id, balance_after, event_id)`,
    [brandId, members.map(() => newId()), members, after, eventIds],
  );
  await client.query(
    `UPDATE members m SET points_available = m.points_available + c.n * 10, lifetime_earned = m.lifetime_earned + c.n * 10
       FROM (SELECT id, count(*) AS n FROM unnest($2::uuid[]) AS u(id) GROUP BY id) c
      WHERE m.brand_id = $1 AND m.id = c.id`,
    [brandId, members],
  );
  await client.query('COMMIT');
}
