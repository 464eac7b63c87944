import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';
import { sqlClient } from './support/db-checks.js';
import { CheckedCalls } from './support/server-calls.js';
import { killAllServers, startServerProcess } from './support/server-process.js';

/**
 * The outbox survives a crash: events are committed (acknowledged) while the worker is off, the
 * built server is SIGKILLed before it sends anything, and the restarted server (scheduler on,
 * so its own 1-second wake-up) delivers every message, verified, each under its own webhook-id.
 */
const ADMIN_TOKEN = 'webhooks-crash-admin-token-0123456789';
const EVENTS = 5;

describe('reliability: webhooks across a crash (e2e)', () => {
  let db: TestDatabase;
  let sql: ReturnType<typeof sqlClient>;
  let receiver: Receiver;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = sqlClient(db.url);
    receiver = await startReceiver();
  }, 30_000);
  afterAll(async () => {
    await killAllServers();
    await receiver?.close();
    await sql?.end();
    await db?.drop();
  }, 30_000);

  const calls = new CheckedCalls();
  const call = calls.call;

  const start = (scheduler: boolean) =>
    startServerProcess({
      databaseUrl: db.url,
      adminToken: ADMIN_TOKEN,
      env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', SCHEDULER_ENABLED: String(scheduler) },
      readyTimeoutMs: 90_000,
    });

  it('delivers after a restart what was committed before a SIGKILL', async () => {
    const first = await start(false);
    const brand = await call(first, 'POST', '/v1/admin/brands', ADMIN_TOKEN, { name: 'Crash hooks' });
    expect(brand.status).toBe(201);
    const key = brand.body.apiKey.key as string;
    const rule = await call(first, 'POST', '/v1/rules', key, {
      name: 'Ten',
      event: 'purchase',
      reward: { points: { fixed: 10 } },
    });
    expect(rule.status).toBe(201);
    const ep = await call(first, 'POST', '/v1/webhook-endpoints', key, {
      url: receiver.url,
      events: ['points.earned'],
    });
    expect(ep.status).toBe(201);
    receiver.secrets.push(ep.body.secret as string);
    for (let i = 0; i < EVENTS; i++) {
      expect((await call(first, 'PUT', `/v1/members/c-${i}`, key, {})).status).toBe(201);
      const res = await call(first, 'POST', '/v1/events', key, {
        idempotencyKey: `crash-hook-${i}`,
        type: 'purchase',
        member: { externalId: `c-${i}` },
        attributes: { amount: '10' },
      });
      expect(res.status).toBe(201);
    }
    await first.kill('SIGKILL');
    expect(receiver.received).toHaveLength(0);
    const pending = await sql.query(`SELECT count(*)::int AS n FROM webhook_messages WHERE status = 'pending'`);
    expect(pending[0].n).toBe(EVENTS);

    const second = await start(true);
    const got = await receiver.waitFor(EVENTS, 30_000);
    expect(got.every((g) => g.verifiedBy.length === 1)).toBe(true);
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(EVENTS);
    expect(got.map((g) => (g.verified as { type: string }).type)).toEqual(Array(EVENTS).fill('points.earned'));
    const members = got.map((g) => (g.verified as { data: { member: { externalId: string } } }).data.member.externalId);
    expect(members.sort()).toEqual(Array.from({ length: EVENTS }, (_, i) => `c-${i}`).sort());
    // Recorded as delivered once the pass commits (a moment after the receiver answered).
    for (let i = 0; i < 100; i++) {
      const left = await sql.query(`SELECT count(*)::int AS n FROM webhook_messages WHERE status <> 'delivered'`);
      if (left[0].n === 0) {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const delivered = await sql.query(`SELECT count(*)::int AS n FROM webhook_messages WHERE status = 'delivered'`);
    expect(delivered[0].n).toBe(EVENTS);
    await second.kill('SIGTERM');
  }, 300_000);

  it('every answer the servers gave is one the OpenAPI document declares', () => {
    expect(calls.violations).toEqual([]);
  });
});
