import pg from 'pg';
import request from 'supertest';
import {
  createBrand,
  createMember,
  createRule,
  event,
  ledgerAudit,
  type TestBrand,
  type TestMember,
} from '../support/factories.js';
import type { TestApp } from '../support/test-app.js';
import { balanceFaults, doubleAwards, type Query } from './support/db-checks.js';
import { allowTokenRules } from '../support/chain.js';
import { startInstances } from './support/listening-app.js';
import { postAndAbort } from './support/http.js';

/**
 * Exactly once (DESIGN §4): an idempotency key is applied once, whatever the client does —
 * a storm of concurrent deliveries, a retry after it gave up waiting, a retry that races the
 * original. Every repeat answers the first answer with duplicate: true.
 */
describe.each([1, 2])('reliability: exactly once, %i instance(s) on one database (e2e)', (instances) => {
  let t: TestApp;
  let next: () => string;
  let query: Query;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ t, next, query, close } = await startInstances(instances));
  }, 30_000);
  afterAll(async () => {
    await close?.();
  }, 30_000);

  /** Requests take the instances in turn: concurrent deliveries of one key meet only in the database. */
  const http = () => request(next());
  const RULE_POINTS = 25;

  /** A brand whose purchases earn 25 points and a token, and one member. */
  async function setUp(): Promise<{ brand: TestBrand; member: TestMember }> {
    const brand = await createBrand(t);
    await allowTokenRules(t, brand.id);
    await createRule(t, brand, {
      name: 'Buy',
      event: 'purchase',
      reward: { points: { fixed: RULE_POINTS }, token: { amount: '1' } },
    });
    const member = await createMember(t, brand);
    return { brand, member };
  }

  async function storedEvents(brand: TestBrand, key: string) {
    return query('SELECT id, result FROM events WHERE brand_id = $1 AND idempotency_key = $2', [brand.id, key]);
  }

  /** What one event wrote: ledger entries, token mints, stage changes. */
  async function effectsOf(brand: TestBrand, eventId: string) {
    const [row] = await query(
      `SELECT (SELECT count(*)::int FROM ledger_entries WHERE brand_id = $1 AND event_id = $2) AS entries,
              (SELECT count(*)::int FROM token_mints WHERE brand_id = $1 AND event_id = $2) AS mints,
              (SELECT count(*)::int FROM stage_changes WHERE brand_id = $1 AND event_id = $2) AS moves`,
      [brand.id, eventId],
    );
    return row;
  }

  async function purchaseCount(brand: TestBrand, member: TestMember): Promise<number> {
    const [row] = await query('SELECT purchase_count FROM members WHERE brand_id = $1 AND id = $2', [
      brand.id,
      member.id,
    ]);
    return Number(row.purchase_count);
  }

  /** Polls until `check` holds (or fails the test after `ms`). */
  async function eventually<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, ms = 5_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (check(value)) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Backends of this database waiting for a row lock. */
  const lockWaiters = async () =>
    Number(
      (
        await query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      )[0].n,
    );

  /**
   * Holds the member's row lock from a connection of the test's own, so that a request for that
   * member is certainly in the middle of its transaction (waiting) until release().
   */
  async function holdMemberLock(brand: TestBrand, member: TestMember) {
    const client = new pg.Client({ connectionString: t.db.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM members WHERE brand_id = $1 AND id = $2 FOR UPDATE', [brand.id, member.id]);
    return {
      async release() {
        await client.query('ROLLBACK');
        await client.end();
      },
    };
  }

  it('100 concurrent deliveries of one event award once; every other answer is the first answer with duplicate: true', async () => {
    const { brand, member } = await setUp();
    const body = event(member, 'purchase', { amount: '12.00', orderId: 'o-100' }, 'storm-1');
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => http().post('/v1/events').set(brand.auth).send(body)),
    );

    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    const first = created[0].body;
    expect(first.duplicate).toBe(false);
    for (const replay of answers.filter((a) => a.status === 200)) {
      expect(replay.body).toEqual({ ...first, duplicate: true });
    }

    const stored = await storedEvents(brand, 'storm-1');
    expect(stored).toHaveLength(1);
    expect(stored[0].id).toBe(first.eventId);
    expect(await effectsOf(brand, first.eventId)).toEqual({ entries: 1, mints: 1, moves: 1 });
    expect(await purchaseCount(brand, member)).toBe(1);
    expect(await ledgerAudit(t, brand.id, member.id)).toMatchObject({
      entries: 1,
      available: RULE_POINTS,
      availableSum: RULE_POINTS,
      runningMatches: true,
    });
  }, 30_000);

  it('deliveries racing through POST /v1/events and POST /v1/events/batch award once', async () => {
    const { brand, member } = await setUp();
    const body = event(member, 'purchase', { amount: '30.00' }, 'mixed-1');
    const other = (i: number) => event(member, 'purchase', { amount: '1.00' }, `mixed-other-${i}`);
    const singles = Array.from({ length: 40 }, () => http().post('/v1/events').set(brand.auth).send(body));
    // each batch names the key twice (a replay inside one list) besides an event of its own
    const batches = Array.from({ length: 10 }, (_, i) =>
      http()
        .post('/v1/events/batch')
        .set(brand.auth)
        .send({ events: [body, other(i), body] }),
    );
    const [singleAnswers, batchAnswers] = await Promise.all([Promise.all(singles), Promise.all(batches)]);

    expect(batchAnswers.map((b) => b.status)).toEqual(Array(10).fill(200));
    const outcomes = [
      ...singleAnswers.map((a) => ({ status: a.status, result: a.body })),
      ...batchAnswers.flatMap((b) => [b.body.results[0], b.body.results[2]]),
    ];
    expect(outcomes.map((o) => o.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(1);
    const eventIds = new Set(outcomes.map((o) => o.result.eventId));
    expect(eventIds.size).toBe(1);
    expect(batchAnswers.map((b) => b.body.results[1].status)).toEqual(Array(10).fill(201));

    const [stored] = await storedEvents(brand, 'mixed-1');
    expect(eventIds).toEqual(new Set([stored.id]));
    expect(await effectsOf(brand, stored.id as string)).toMatchObject({ entries: 1, mints: 1 });
    expect(await purchaseCount(brand, member)).toBe(11);
    expect(await ledgerAudit(t, brand.id, member.id)).toMatchObject({
      entries: 11,
      available: 11 * RULE_POINTS,
      runningMatches: true,
    });
  }, 30_000);

  it('a retry after the client timed out mid-transaction answers 200 with the first answer and the stored eventId', async () => {
    const { brand, member } = await setUp();
    const body = event(member, 'purchase', { amount: '20.00', orderId: 'o-timeout' }, 'timeout-1');
    const lock = await holdMemberLock(brand, member);
    let released = false;
    try {
      const { answered } = await postAndAbort(next(), '/v1/events', brand.auth, body);
      expect(answered).toBe(false);
      // the abandoned request is inside its transaction, waiting for the member
      await eventually('the request to wait for the member lock', lockWaiters, (n) => n >= 1);
      await lock.release();
      released = true;
    } finally {
      if (!released) {
        await lock.release();
      }
    }
    // the server finishes what the client gave up on
    const [stored] = await eventually(
      'the abandoned event to commit',
      () => storedEvents(brand, 'timeout-1'),
      (rows) => rows.length === 1 && rows[0].result !== null,
    );

    const retry = await http().post('/v1/events').set(brand.auth).send(body);
    expect(retry.status).toBe(200);
    expect(retry.body.duplicate).toBe(true);
    expect(retry.body.eventId).toBe(stored.id);
    expect(retry.body).toEqual({ ...(stored.result as object), duplicate: true });
    expect(retry.body.effects).toContainEqual(expect.objectContaining({ type: 'points', points: RULE_POINTS }));

    const again = await http().post('/v1/events').set(brand.auth).send(body).expect(200);
    expect(again.body).toEqual(retry.body);
    expect(await effectsOf(brand, stored.id as string)).toEqual({ entries: 1, mints: 1, moves: 1 });
    expect(await ledgerAudit(t, brand.id, member.id)).toMatchObject({
      entries: 1,
      available: RULE_POINTS,
      runningMatches: true,
    });
  }, 30_000);

  it('a retry sent right after a delivery that was dropped once written answers 200 duplicate with the stored eventId', async () => {
    const { brand, member } = await setUp();
    for (let i = 0; i < 5; i++) {
      const key = `dropped-${i}`;
      const body = event(member, 'purchase', { amount: '5.00', orderId: key }, key);
      const { answered } = await postAndAbort(next(), '/v1/events', brand.auth, body);
      expect(answered).toBe(false);
      // the client only knows it sent the request; the server must still have taken it
      const [stored] = await eventually(
        `${key} to be stored`,
        () => storedEvents(brand, key),
        (rows) => rows.length === 1 && rows[0].result !== null,
      );
      const retry = await http().post('/v1/events').set(brand.auth).send(body);
      expect({ key, status: retry.status, duplicate: retry.body.duplicate, eventId: retry.body.eventId }).toEqual({
        key,
        status: 200,
        duplicate: true,
        eventId: stored.id,
      });
      expect(await effectsOf(brand, stored.id as string)).toMatchObject({ entries: 1 });
    }
    expect(await ledgerAudit(t, brand.id, member.id)).toMatchObject({
      entries: 5,
      available: 5 * RULE_POINTS,
      runningMatches: true,
    });
  }, 30_000);

  it("a retry that races the abandoned original (queued behind it) gets the original's answer, not a second award", async () => {
    const { brand, member } = await setUp();
    const body = event(member, 'purchase', { amount: '40.00' }, 'race-abandoned');
    const lock = await holdMemberLock(brand, member);
    let retry: Promise<request.Response>;
    let released = false;
    try {
      await postAndAbort(next(), '/v1/events', brand.auth, body);
      await eventually('the original to wait', lockWaiters, (n) => n >= 1);
      retry = http()
        .post('/v1/events')
        .set(brand.auth)
        .send(body)
        .then((r) => r);
      await eventually('the retry to wait behind it', lockWaiters, (n) => n >= 2);
      await lock.release();
      released = true;
    } finally {
      if (!released) {
        await lock.release();
      }
    }
    const answer = await retry!;
    const [stored] = await storedEvents(brand, 'race-abandoned');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ...(stored.result as object), duplicate: true });
    expect(answer.body.eventId).toBe(stored.id);
    expect(await effectsOf(brand, stored.id as string)).toEqual({ entries: 1, mints: 1, moves: 1 });
  }, 30_000);

  it('an original and its retry sent at the same instant: one 201, one 200 that repeats it', async () => {
    const { brand, member } = await setUp();
    for (let i = 0; i < 10; i++) {
      const body = event(member, 'purchase', { amount: '2.00' }, `twin-${i}`);
      const [a, b] = await Promise.all([0, 1].map(() => http().post('/v1/events').set(brand.auth).send(body)));
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 201]);
      const [first, replay] = a.status === 201 ? [a, b] : [b, a];
      expect(replay.body).toEqual({ ...first.body, duplicate: true });
      expect(await effectsOf(brand, first.body.eventId)).toMatchObject({ entries: 1, mints: 1 });
    }
    expect(await ledgerAudit(t, brand.id, member.id)).toMatchObject({
      entries: 10,
      available: 10 * RULE_POINTS,
      runningMatches: true,
    });
  }, 30_000);

  it('one key sent concurrently with different bodies: one award, the others 409 or the replay of the winner', async () => {
    const { brand, member } = await setUp();
    const bodies = Array.from({ length: 20 }, (_, i) =>
      event(member, 'purchase', { amount: String((i % 4) + 1) }, 'contested'),
    );
    const answers = await Promise.all(bodies.map((b) => http().post('/v1/events').set(brand.auth).send(b)));
    const winner = answers.filter((a) => a.status === 201);
    expect(winner).toHaveLength(1);
    const winningAmount = bodies[answers.indexOf(winner[0])].attributes.amount;
    answers.forEach((a, i) => {
      if (a.status === 201) {
        return;
      }
      if (bodies[i].attributes.amount === winningAmount) {
        expect({ i, status: a.status, body: a.body }).toEqual({
          i,
          status: 200,
          body: { ...winner[0].body, duplicate: true },
        });
      } else {
        expect({ i, status: a.status, code: a.body.code }).toEqual({
          i,
          status: 409,
          code: 'event.idempotency_conflict',
        });
      }
    });
    expect(await effectsOf(brand, winner[0].body.eventId)).toMatchObject({ entries: 1 });
    expect(await purchaseCount(brand, member)).toBe(1);
  }, 30_000);

  it('a list naming a stored key with another body first and then with the stored body: 409, then the stored answer', async () => {
    const { brand, member } = await setUp();
    const stored = event(member, 'purchase', { amount: '7.00' }, 'listed-twice');
    const first = await http().post('/v1/events').set(brand.auth).send(stored).expect(201);
    const other = { ...stored, attributes: { amount: '8.00' } };
    const res = await http()
      .post('/v1/events/batch')
      .set(brand.auth)
      .send({ events: [other, stored] })
      .expect(200);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([409, 200]);
    expect(res.body.results[1].result).toEqual({ ...first.body, duplicate: true });
    expect(await effectsOf(brand, first.body.eventId)).toMatchObject({ entries: 1 });
  }, 30_000);

  it('leaves no event applied twice and every balance equal to its ledger', async () => {
    expect(await doubleAwards(query)).toEqual([]);
    expect(await balanceFaults(query)).toEqual([]);
  }, 30_000);
});
