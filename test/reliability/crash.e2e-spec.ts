import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { balanceFaults, doubleAwards, sqlClient } from './support/db-checks.js';
import { CheckedCalls } from './support/server-calls.js';
import { killAllServers, type ServerProcess, startServerProcess } from './support/server-process.js';

/**
 * Crash safety: the built server runs as a child process under concurrent load and is killed
 * with SIGKILL mid-run (twice), then restarted on the same database. Whatever was acknowledged
 * must be there; nothing may be applied twice, also when every client retries what it sent;
 * every balance must still equal its ledger. It runs again with two server processes on the
 * one database (clients take them in turn, the first is killed while the second keeps serving):
 * group commit is per process, so every guarantee must come from the database.
 */
const ADMIN_TOKEN = 'crash-suite-admin-token-0123456789';
const CLIENTS = 6;
const MEMBERS = 8;
const CYCLES = 2;
const FIXED_POINTS = 10;

type Outcome = number | 'none';
interface Sent {
  body: { idempotencyKey: string; type: string; member: { externalId: string }; attributes: { amount: string } };
  outcomes: Outcome[];
  eventIds: Set<string>;
}

describe.each([1, 2])('reliability: crash under load, %i instance(s) on one database (e2e)', (instances) => {
  let db: TestDatabase;
  let sql: ReturnType<typeof sqlClient>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = sqlClient(db.url);
  }, 30_000);
  afterAll(async () => {
    await killAllServers();
    await sql?.end();
    await db?.drop();
  }, 30_000);

  const calls = new CheckedCalls();
  const call = calls.call;

  /**
   * CLIENTS concurrent loops send purchases with fresh keys (and now and then a repeat of an
   * acknowledged key), client c through servers[c % n], until the first server dies: it is
   * SIGKILLed once `killAfterAcks` new acknowledgements came in (or after 10 s). The others keep
   * serving up to that moment.
   */
  async function loadAndKill(
    servers: ServerProcess[],
    key: string,
    sent: Map<string, Sent>,
    cycle: number,
    killAfterAcks: number,
  ) {
    let killed = false;
    let acks = 0;
    let seq = 0;
    const acked: string[] = [...sent.entries()].filter(([, s]) => s.outcomes.some(isSuccess)).map(([k]) => k);
    let unexpected: string | null = null;

    const client = async (c: number) => {
      while (!killed) {
        const repeat = acked.length > 0 && Math.random() < 0.15;
        const record = repeat
          ? sent.get(acked[Math.floor(Math.random() * acked.length)])!
          : newEvent(`c${cycle}-${c}-${seq++}`);
        if (!repeat) {
          sent.set(record.body.idempotencyKey, record);
        }
        let outcome: Outcome;
        try {
          const res = await call(servers[c % servers.length], 'POST', '/v1/events', key, record.body);
          outcome = res.status;
          if (isSuccess(res.status)) {
            record.eventIds.add(res.body.eventId);
            if (!repeat) {
              acked.push(record.body.idempotencyKey);
            }
            acks++;
          } else if (!killed) {
            unexpected ??= `${res.status} for ${JSON.stringify(record.body)}: ${JSON.stringify(res.body)}`;
          }
        } catch {
          outcome = 'none';
          if (!killed) {
            unexpected ??= `no answer before the kill for ${record.body.idempotencyKey}`;
          }
        }
        record.outcomes.push(outcome);
      }
    };

    const killer = (async () => {
      const started = Date.now();
      while (acks < killAfterAcks && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 10));
      }
      killed = true;
      await servers[0].kill('SIGKILL');
    })();
    await Promise.all([killer, ...Array.from({ length: CLIENTS }, (_, c) => client(c))]);
    expect(await servers[0].exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(unexpected).toBeNull();
  }

  function newEvent(idempotencyKey: string): Sent {
    const member = Math.floor(Math.random() * MEMBERS);
    const amount = `${1 + Math.floor(Math.random() * 50)}.${String(Math.floor(Math.random() * 100)).padStart(2, '0')}`;
    return {
      body: { idempotencyKey, type: 'purchase', member: { externalId: `crash-m${member}` }, attributes: { amount } },
      outcomes: [],
      eventIds: new Set(),
    };
  }

  const isSuccess = (o: Outcome) => typeof o === 'number' && o >= 200 && o < 300;

  async function storedEvents(
    brandId: string,
  ): Promise<Map<string, { id: string; hasResult: boolean; entries: number }>> {
    const rows = await sql.query(
      `SELECT e.idempotency_key, e.id, e.result IS NOT NULL AS has_result,
              (SELECT count(*)::int FROM ledger_entries l WHERE l.brand_id = e.brand_id AND l.event_id = e.id) AS entries
         FROM events e WHERE e.brand_id = $1`,
      [brandId],
    );
    return new Map(
      rows.map((r) => [
        String(r.idempotency_key),
        { id: String(r.id), hasResult: r.has_result === true, entries: Number(r.entries) },
      ]),
    );
  }

  /** The database as a whole is consistent with "each stored event applied exactly once". */
  async function expectConsistent(brandId: string, ruleCount: number) {
    const stored = await storedEvents(brandId);
    const partial = [...stored.entries()].filter(([, e]) => !e.hasResult || e.entries !== ruleCount);
    expect(partial).toEqual([]);
    expect(await doubleAwards(sql.query, brandId)).toEqual([]);
    expect(await balanceFaults(sql.query, brandId)).toEqual([]);
    // member counters moved with their events: one purchase counted per stored event
    const counters = await sql.query(
      `SELECT m.external_id, m.purchase_count, (SELECT count(*)::int FROM events e WHERE e.brand_id = m.brand_id AND e.member_id = m.id) AS events
         FROM members m WHERE m.brand_id = $1 AND m.purchase_count <> (SELECT count(*) FROM events e WHERE e.brand_id = m.brand_id AND e.member_id = m.id)`,
      [brandId],
    );
    expect(counters).toEqual([]);
    // and the points are exactly what the stored events are worth: 10 + floor(amount) each
    const [worth] = await sql.query(
      `SELECT (SELECT coalesce(sum(${FIXED_POINTS} + floor((attributes->>'amount')::numeric)), 0)::bigint FROM events WHERE brand_id = $1) AS expected,
              (SELECT coalesce(sum(points), 0)::bigint FROM ledger_entries WHERE brand_id = $1) AS actual`,
      [brandId],
    );
    expect(Number(worth.actual)).toBe(Number(worth.expected));
    return stored;
  }

  it('loses no acknowledged event and applies none twice across SIGKILLs and restarts; retries never award again', async () => {
    const start = () => startServerProcess({ databaseUrl: db.url, adminToken: ADMIN_TOKEN });
    const servers: ServerProcess[] = [];
    for (let i = 0; i < instances; i++) {
      servers.push(await start());
    }
    const [server] = servers;
    const created = await call(server, 'POST', '/v1/admin/brands', ADMIN_TOKEN, { name: 'Crash brand' });
    expect(created.status).toBe(201);
    const brandId: string = created.body.brand.id;
    const key: string = created.body.apiKey.key;
    const rules = [
      { name: 'Buy', event: 'purchase', reward: { points: { fixed: FIXED_POINTS } } },
      {
        name: 'Per euro',
        event: 'purchase',
        reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
      },
    ];
    for (const rule of rules) {
      expect((await call(server, 'POST', '/v1/rules', key, rule)).status).toBe(201);
    }
    for (let m = 0; m < MEMBERS; m++) {
      expect((await call(server, 'PUT', `/v1/members/crash-m${m}`, key, {})).status).toBe(201);
    }

    const sent = new Map<string, Sent>();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await loadAndKill(servers, key, sent, cycle, 120);
      servers[0] = await start();
      const stored = await expectConsistent(brandId, rules.length);

      // every acknowledged event survived the kill, under the id its answer named
      const lost = [...sent.entries()]
        .filter(([, s]) => s.outcomes.some(isSuccess))
        .filter(([k, s]) => !stored.has(k) || [...s.eventIds].some((id) => id !== stored.get(k)!.id))
        .map(([k, s]) => ({
          key: k,
          outcomes: s.outcomes,
          answeredIds: [...s.eventIds],
          stored: stored.get(k)?.id ?? null,
        }));
      expect(lost).toEqual([]);
    }
    const unanswered = [...sent.values()].filter((s) => s.outcomes.includes('none'));
    expect(unanswered.length).toBeGreaterThan(0); // the kills did land mid-request

    // Every client retries what it sent and did not see answered, and what it saw acknowledged:
    // a stored key answers 200 duplicate with its id, a lost one is applied now (201), never twice.
    const before = await storedEvents(brandId);
    const retry = [...sent.values()].filter((s) => s.outcomes.some((o) => o === 'none' || isSuccess(o)));
    const answers: Array<{ key: string; status: number; duplicate: unknown; eventId: unknown; expected: string }> = [];
    for (let i = 0; i < retry.length; i += CLIENTS) {
      await Promise.all(
        retry.slice(i, i + CLIENTS).map(async (s, j) => {
          const res = await call(servers[(i + j) % servers.length], 'POST', '/v1/events', key, s.body);
          const was = before.get(s.body.idempotencyKey);
          answers.push({
            key: s.body.idempotencyKey,
            status: res.status,
            duplicate: res.body?.duplicate,
            eventId: res.body?.eventId,
            expected: was ? `200 duplicate ${was.id}` : '201 new',
          });
        }),
      );
    }
    const wrong = answers.filter((a) =>
      a.expected === '201 new'
        ? !(a.status === 201 && a.duplicate === false)
        : !(a.status === 200 && a.duplicate === true && a.expected.endsWith(String(a.eventId))),
    );
    expect(wrong).toEqual([]);

    const after = await expectConsistent(brandId, rules.length);
    for (const s of retry) {
      expect(after.has(s.body.idempotencyKey)).toBe(true);
    }
    expect(after.size).toBe(before.size + answers.filter((a) => a.status === 201).length);
    // A generous bound, not a speed check: four server starts and two loads on a shared 2-core machine.
  }, 300_000);

  it('every answer the servers gave is one the OpenAPI document declares', () => {
    expect(calls.violations).toEqual([]);
  });
});
