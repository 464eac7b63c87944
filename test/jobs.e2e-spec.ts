import pg from 'pg';
import { DataSource } from 'typeorm';
import { JOB_LOCK_KEYS } from '../src/jobs/job.js';
import { RetentionScanJob } from '../src/jobs/retention-scan.job.js';
import {
  createBrand,
  createEarningBrand,
  createMember,
  createRule,
  event,
  ledgerAudit,
  runJob,
  sendEvent,
  setSettings,
  type TestBrand,
  type TestMember,
} from './support/factories.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

const DAY_MS = 86_400_000;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('scheduled jobs (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const retentionEvents = async (brand: TestBrand, member: TestMember) =>
    (await t.app
      .get(DataSource)
      .query(
        `SELECT id, idempotency_key, attributes, origin, result FROM events WHERE brand_id = $1 AND member_id = $2 AND type = 'retention' ORDER BY id`,
        [brand.id, member.id],
      )) as Array<{
      id: string;
      idempotency_key: string;
      attributes: { reason: string };
      origin: string;
      result: { effects: Array<{ type: string; points?: number }> };
    }>;

  const pointsOfEvent = async (brand: TestBrand, eventId: string) => {
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT coalesce(sum(points), 0) AS points FROM ledger_entries WHERE brand_id = $1 AND event_id = $2`, [
        brand.id,
        eventId,
      ]);
    return Number(row.points);
  };

  /** A purchase that happened at `at` (the pipeline accepts past times), so the member's last purchase is then. */
  const purchaseAt = (brand: TestBrand, m: TestMember, at: Date, amount = '10.00') =>
    sendEvent(t, brand, { ...event(m, 'purchase', { amount }), occurredAt: at.toISOString() });

  describe('mature-points', () => {
    it('makes pending points available once they are due, keeping the balance equal to the entries by status', async () => {
      const brand = await createEarningBrand(t, { pendingDays: 2 }, 2);
      const m = await createMember(t, brand);
      const earned = await sendEvent(t, brand, event(m, 'purchase', { amount: '20.00' }));
      expect(earned.body.effects).toContainEqual(
        expect.objectContaining({ type: 'points', points: 40, status: 'pending' }),
      );
      expect(earned.body.member.balance).toMatchObject({ available: 0, pending: 40 });

      const early = await runJob(t, 'mature-points', new Date(Date.now() + 1 * DAY_MS));
      expect(early.body).toMatchObject({ name: 'mature-points', status: 'ok', error: null });
      expect((await t.http().get(`/v1/members/${m.id}`).set(brand.auth).expect(200)).body.balance).toMatchObject({
        available: 0,
        pending: 40,
      });

      const due = new Date(Date.now() + 3 * DAY_MS);
      const run = await runJob(t, 'mature-points', due);
      expect(run.body).toMatchObject({ status: 'ok', asOf: due.toISOString(), error: null });
      expect(run.body.processed).toMatchObject({
        members: expect.any(Number),
        entries: expect.any(Number),
        points: expect.any(Number),
      });
      expect(run.body.processed.points).toBeGreaterThanOrEqual(40);

      const member = await t.http().get(`/v1/members/${m.id}`).set(brand.auth).expect(200);
      expect(member.body.balance).toEqual({ available: 40, pending: 0, lifetimeEarned: 40 });
      const ledger = await t.http().get(`/v1/members/${m.id}/ledger`).set(brand.auth).expect(200);
      expect(ledger.body.data).toEqual([
        expect.objectContaining({ kind: 'earn', status: 'available', points: 40, balanceAfter: 40 }),
      ]);
      expect(await ledgerAudit(t, brand.id, m.id)).toEqual({
        available: 40,
        pending: 0,
        entries: 1,
        availableSum: 40,
        pendingSum: 0,
        runningMatches: true,
      });

      // Nothing is due twice.
      const again = await runJob(t, 'mature-points', due);
      expect(again.body.processed).toMatchObject({ entries: 0, points: 0 });
      expect(await ledgerAudit(t, brand.id, m.id)).toMatchObject({ available: 40, pending: 0 });
    });

    it('matures only the entries that are due, with events arriving while it runs', async () => {
      const brand = await createBrand(t);
      await setSettings(t, brand, { pendingDays: 2 });
      await createRule(t, brand, { name: 'Visit', event: 'visit', reward: { points: { fixed: 5 } } });
      const members = await Promise.all(Array.from({ length: 5 }, () => createMember(t, brand)));
      for (const m of members) {
        await sendEvent(t, brand, event(m, 'visit'));
      }
      const due = new Date(Date.now() + 3 * DAY_MS);
      // Entries made during the run are due at +2 days too: included once, or left for the next run.
      const [run] = await Promise.all([
        runJob(t, 'mature-points', due),
        ...members.map((m) => sendEvent(t, brand, event(m, 'visit'))),
      ]);
      expect(run.body.status).toBe('ok');
      await runJob(t, 'mature-points', due);
      for (const m of members) {
        expect(await ledgerAudit(t, brand.id, m.id)).toEqual({
          available: 10,
          pending: 0,
          entries: 2,
          availableSum: 10,
          pendingSum: 0,
          runningMatches: true,
        });
      }
    });
  });

  describe('retention-scan', () => {
    it('rewards an inactive member once, however often and however concurrently it runs', async () => {
      const brand = await createBrand(t);
      await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      const ann = await createMember(t, brand);
      await purchaseAt(brand, ann, new Date(Date.now() - 200 * DAY_MS));
      const before = await t.http().get(`/v1/members/${ann.id}`).set(brand.auth).expect(200);

      const first = await runJob(t, 'retention-scan');
      expect(first.body).toMatchObject({ name: 'retention-scan', status: 'ok', error: null });
      expect(first.body.processed.made).toBeGreaterThanOrEqual(1);
      const made = await retentionEvents(brand, ann);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({ attributes: { reason: 'inactive' }, origin: 'scheduler' });
      expect(made[0].idempotency_key).toMatch(new RegExp(`^retention:inactive:${ann.id}:\\d{4}-\\d{2}-\\d{2}$`));
      expect(await pointsOfEvent(brand, made[0].id)).toBe(200); // the starter Win-back rule
      const after = await t.http().get(`/v1/members/${ann.id}`).set(brand.auth).expect(200);
      expect(after.body.balance.available).toBe(before.body.balance.available + 200);

      const second = await runJob(t, 'retention-scan');
      expect(second.body.status).toBe('ok');
      expect(second.body.processed.alreadyMade).toBeGreaterThanOrEqual(1);
      expect(await retentionEvents(brand, ann)).toHaveLength(1);

      // A member who turns up inactive just before two runs at once: one skips (the lock) or
      // both run and the second finds the key taken. Either way: one event.
      const bob = await createMember(t, brand);
      await purchaseAt(brand, bob, new Date(Date.now() - 150 * DAY_MS));
      const both = await Promise.all([runJob(t, 'retention-scan'), runJob(t, 'retention-scan')]);
      expect(both.map((r) => r.body.status).sort()).toEqual(expect.arrayContaining(['ok']));
      expect(both.every((r) => ['ok', 'skipped'].includes(r.body.status))).toBe(true);
      for (const m of [ann, bob]) {
        expect(await retentionEvents(brand, m)).toHaveLength(1);
      }
      expect(await ledgerAudit(t, brand.id, ann.id)).toMatchObject({ runningMatches: true });
      expect((await ledgerAudit(t, brand.id, bob.id)).availableSum).toBe(
        (await ledgerAudit(t, brand.id, bob.id)).available,
      );
    });

    it('pays once even when two scans get past the lock (the keys dedupe in the pipeline)', async () => {
      const brand = await createBrand(t);
      await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      const members = await Promise.all(Array.from({ length: 20 }, () => createMember(t, brand)));
      for (const m of members) {
        await purchaseAt(brand, m, new Date(Date.now() - 120 * DAY_MS));
      }
      // As two instances would, if each thought it held the lock: the job itself, twice at once.
      const job = t.app.get(RetentionScanJob);
      const counts = [{}, {}] as Array<Record<string, number>>;
      await Promise.all(counts.map((c) => job.run(new Date(), c)));
      for (const m of members) {
        const made = await retentionEvents(brand, m);
        expect(made).toHaveLength(1);
        expect(await pointsOfEvent(brand, made[0].id)).toBe(200);
      }
      const madeTwice = counts[0].made + counts[1].made;
      expect(madeTwice).toBeGreaterThanOrEqual(20);
      // What one scan made, the other found already made or got answered as a duplicate (200), never a 409.
      expect(counts[0].refused + counts[1].refused).toBe(0);
    });

    it("rewards the enrolment anniversary on its day in the brand's time zone, once a year", async () => {
      const brand = await createBrand(t);
      await setSettings(t, brand, { timezone: 'Pacific/Auckland', inactiveDays: 3650 });
      await createRule(t, brand, {
        name: 'Anniversary',
        event: 'retention',
        conditions: { fact: 'event.reason', op: 'eq', value: 'anniversary' },
        reward: { points: { fixed: 50 } },
      });
      const ann = await createMember(t, brand);
      const enrolledAt = new Date(
        (await t.http().get(`/v1/members/${ann.id}`).set(brand.auth).expect(200)).body.enrolledAt,
      );
      // Four years on is the same calendar day (29 February included) at the same local time.
      const anniversary = new Date(enrolledAt);
      anniversary.setUTCFullYear(enrolledAt.getUTCFullYear() + 4);
      const localYear = Number(
        new Intl.DateTimeFormat('en', { timeZone: 'Pacific/Auckland', year: 'numeric' }).format(anniversary),
      );

      await runJob(t, 'retention-scan', new Date(anniversary.getTime() - DAY_MS));
      expect(await retentionEvents(brand, ann)).toHaveLength(0);
      await runJob(t, 'retention-scan', anniversary);
      await runJob(t, 'retention-scan', new Date(anniversary.getTime() + 60_000));
      const made = await retentionEvents(brand, ann);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({
        idempotency_key: `retention:anniversary:${ann.id}:${localYear}`,
        attributes: { reason: 'anniversary' },
      });
      expect(await pointsOfEvent(brand, made[0].id)).toBe(50);
      await runJob(t, 'retention-scan', new Date(anniversary.getTime() + DAY_MS));
      expect(await retentionEvents(brand, ann)).toHaveLength(1);
    });

    it('rewards a purchase in each of the last three calendar months, once a month', async () => {
      const brand = await createBrand(t);
      await createRule(t, brand, {
        name: 'Streak',
        event: 'retention',
        conditions: { fact: 'event.reason', op: 'eq', value: 'streak' },
        reward: { points: { fixed: 30 } },
      });
      const now = new Date();
      const midMonth = (monthsAgo: number) =>
        new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 15, 12));
      const steady = await createMember(t, brand);
      const gap = await createMember(t, brand);
      await purchaseAt(brand, steady, midMonth(2));
      await purchaseAt(brand, steady, midMonth(1));
      await sendEvent(t, brand, event(steady, 'purchase', { amount: '10.00' }));
      await purchaseAt(brand, gap, midMonth(2));
      await sendEvent(t, brand, event(gap, 'purchase', { amount: '10.00' }));

      const run = await runJob(t, 'retention-scan');
      expect(run.body.processed.streak).toBeGreaterThanOrEqual(1);
      await runJob(t, 'retention-scan');
      const made = await retentionEvents(brand, steady);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({
        idempotency_key: `retention:streak:${steady.id}:${now.toISOString().slice(0, 7)}`,
        attributes: { reason: 'streak' },
      });
      expect(await pointsOfEvent(brand, made[0].id)).toBe(30);
      expect(await retentionEvents(brand, gap)).toHaveLength(0);
    });
  });

  describe('runs and the operator routes', () => {
    it("skips a run while another instance holds the job's lock", async () => {
      const other = new pg.Client({ connectionString: t.db.url });
      await other.connect();
      try {
        await other.query('SELECT pg_advisory_lock($1)', [JOB_LOCK_KEYS['mature-points']]);
        const skipped = await runJob(t, 'mature-points');
        expect(skipped.body).toMatchObject({ status: 'skipped', processed: {}, error: null });
        await other.query('SELECT pg_advisory_unlock($1)', [JOB_LOCK_KEYS['mature-points']]);
        expect((await runJob(t, 'mature-points')).body.status).toBe('ok');
      } finally {
        await other.end();
      }
    });

    it('lists runs newest first, by job name, with cursors', async () => {
      const a = await runJob(t, 'mature-points');
      const b = await runJob(t, 'retention-scan');
      const all = await t.http().get('/v1/admin/jobs').set(admin).expect(200);
      expect(all.body.data.slice(0, 2).map((r: { id: string }) => r.id)).toEqual([b.body.id, a.body.id]);
      expect(all.body.data[0]).toEqual({
        id: b.body.id,
        name: 'retention-scan',
        status: 'ok',
        asOf: expect.any(String),
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        processed: expect.objectContaining({ brands: expect.any(Number), members: expect.any(Number) }),
        error: null,
      });
      const mature = await t.http().get('/v1/admin/jobs?name=mature-points&limit=2').set(admin).expect(200);
      expect(mature.body.data).toHaveLength(2);
      expect(mature.body.data.every((r: { name: string }) => r.name === 'mature-points')).toBe(true);
      expect(mature.body.data[0].id).toBe(a.body.id);
      const next = await t
        .http()
        .get(`/v1/admin/jobs?name=mature-points&limit=2&cursor=${mature.body.nextCursor}`)
        .set(admin)
        .expect(200);
      expect(next.body.data[0].id < mature.body.data[1].id).toBe(true);
    });

    it('runs a job now without a body', async () => {
      const res = await t.http().post('/v1/admin/jobs/mature-points/run').set(admin).expect(200);
      expect(res.body).toMatchObject({ name: 'mature-points', status: 'ok' });
      expect(Math.abs(new Date(res.body.asOf).getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('answers 404 for an unknown job and 400 for a bad time', async () => {
      const unknown = await t.http().post('/v1/admin/jobs/expire-everything/run').set(admin).send({}).expect(404);
      expect(unknown.body.code).toBe('job.not_found');
      const bad = await t
        .http()
        .post('/v1/admin/jobs/mature-points/run')
        .set(admin)
        .send({ now: 'tomorrow' })
        .expect(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ path: 'now' })]);
      await t
        .http()
        .post('/v1/admin/jobs/mature-points/run')
        .set(admin)
        .send({ now: '2026-01-01T00:00:00Z', extra: 1 })
        .expect(400);
    });

    it('needs the operator token', async () => {
      const brand = await createBrand(t);
      await t.http().get('/v1/admin/jobs').expect(401);
      await t.http().post('/v1/admin/jobs/mature-points/run').send({}).expect(401);
      await t.http().post('/v1/admin/jobs/mature-points/run').set(brand.auth).send({}).expect(401);
      await t.http().get('/v1/admin/jobs').set(brand.auth).expect(401);
    });
  });
});
