import type { TestApp } from './test-app.js';
import { ADMIN_TOKEN } from './test-app.js';

export interface TestBrand {
  id: string;
  key: string;
  auth: { Authorization: string };
}

let brandCount = 0;

/** A brand created through the operator API, with its secret key. */
export async function createBrand(t: TestApp, name = `Brand ${++brandCount}`): Promise<TestBrand> {
  const res = await t
    .http()
    .post('/v1/admin/brands')
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ name })
    .expect(201);
  const key = res.body.apiKey.key as string;
  return { id: res.body.brand.id, key, auth: { Authorization: `Bearer ${key}` } };
}

export interface TestMember {
  id: string;
  externalId: string;
  referralCode: string;
}

let memberCount = 0;

export async function createMember(
  t: TestApp,
  brand: TestBrand,
  body: Record<string, unknown> = {},
  externalId = `cust-${++memberCount}`,
): Promise<TestMember> {
  const res = await t.http().put(`/v1/members/${externalId}`).set(brand.auth).send(body).expect(201);
  return { id: res.body.id, externalId, referralCode: res.body.referralCode };
}

export async function createRule(
  t: TestApp,
  brand: TestBrand,
  rule: Record<string, unknown>,
): Promise<{ id: string; version: number }> {
  const res = await t.http().post('/v1/rules').set(brand.auth).send(rule);
  if (res.status !== 201) {
    throw new Error(`rule refused: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { id: res.body.id, version: res.body.version };
}

let eventCount = 0;

/** An event body; the idempotency key is fresh unless given. */
export function event(
  member: { externalId?: string; id?: string },
  type: string,
  attributes: Record<string, unknown> = {},
  key = `evt-${process.pid}-${++eventCount}`,
) {
  return {
    idempotencyKey: key,
    type,
    member: member.id ? { id: member.id } : { externalId: member.externalId },
    attributes,
  };
}

/** The member's balance row and the sum of its ledger entries, straight from the database. */
export async function ledgerAudit(t: TestApp, brandId: string, memberId: string) {
  const { DataSource } = await import('typeorm');
  const db = t.app.get(DataSource);
  const [m] = await db.query(
    'SELECT points_available, points_pending, lifetime_earned FROM members WHERE brand_id = $1 AND id = $2',
    [brandId, memberId],
  );
  const entries: Array<{ points: string; balance_after: string; status: string }> = await db.query(
    'SELECT points, balance_after, status FROM ledger_entries WHERE brand_id = $1 AND member_id = $2 ORDER BY seq',
    [brandId, memberId],
  );
  let running = 0;
  let runningMatches = true;
  for (const e of entries) {
    running += Number(e.points);
    if (Number(e.balance_after) !== running) {
      runningMatches = false;
    }
  }
  const sum = (status: string) => entries.filter((e) => e.status === status).reduce((a, e) => a + Number(e.points), 0);
  return {
    available: Number(m.points_available),
    pending: Number(m.points_pending),
    entries: entries.length,
    availableSum: sum('available'),
    pendingSum: sum('pending'),
    runningMatches,
  };
}

/** POST /v1/events as the brand; checks the status (201 unless told). */
export function sendEvent(t: TestApp, brand: TestBrand, body: object, status = 201) {
  return t.http().post('/v1/events').set(brand.auth).send(body).expect(status);
}

/** PATCH /v1/brand with these settings (merged into the brand's). */
export function setSettings(t: TestApp, brand: TestBrand, settings: Record<string, unknown>) {
  return t.http().patch('/v1/brand').set(brand.auth).send({ settings }).expect(200);
}

/** POST /v1/admin/jobs/{name}/run, as if at `now` when given. */
export function runJob(t: TestApp, name: string, now?: Date | string) {
  return t
    .http()
    .post(`/v1/admin/jobs/${name}/run`)
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send(now === undefined ? {} : { now: typeof now === 'string' ? now : now.toISOString() })
    .expect(200);
}

/** A brand whose purchases earn `rate` points per currency unit (the rule "Per euro"), with these settings. */
export async function createEarningBrand(
  t: TestApp,
  settings: Record<string, unknown> = {},
  rate = 1,
): Promise<TestBrand> {
  const brand = await createBrand(t);
  if (Object.keys(settings).length > 0) {
    await setSettings(t, brand, settings);
  }
  await createRule(t, brand, {
    name: 'Per euro',
    event: 'purchase',
    reward: { points: { perUnit: { fact: 'event.amount', rate, rounding: 'floor' } } },
  });
  return brand;
}

/** POST /v1/rewards as the brand (201). */
export function createReward(t: TestApp, brand: TestBrand, body: Record<string, unknown>) {
  return t.http().post('/v1/rewards').set(brand.auth).send(body).expect(201);
}
