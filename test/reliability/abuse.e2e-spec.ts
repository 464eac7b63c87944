import { createBrand, createMember, event, type TestBrand } from '../support/factories.js';
import { ADMIN_TOKEN, type TestApp } from '../support/test-app.js';
import { databaseFingerprint, type Query } from './support/db-checks.js';
import { startListeningApp } from './support/listening-app.js';
import { contractViolation, rawRequest } from './support/http.js';

/**
 * Abuse: per-credential rate limiting (429 with Retry-After, in the one error shape, before any
 * work is done; one key's flood never limits another key) and body limits (413, before the
 * body is read or anything is written).
 */
const LIMIT = 20;
const BODY_LIMIT = 64 * 1024;

describe('reliability: abuse (e2e)', () => {
  let t: TestApp;
  let base: string;
  let query: Query;

  beforeAll(async () => {
    ({ t, base, query } = await startListeningApp({
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
    }));
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  }, 30_000);

  /** A fresh key of the brand: a credential whose whole per-minute allowance is still unused. */
  async function freshKey(brand: TestBrand): Promise<{ Authorization: string }> {
    const res = await t.http().post('/v1/brand/keys').set(brand.auth).send({}).expect(201);
    return { Authorization: `Bearer ${res.body.key}` };
  }

  function expectRateLimited(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) {
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.any(String),
      code: 'rate_limited',
    });
  }

  it(`a key gets ${LIMIT} requests a minute, then 429 with Retry-After in the error shape, and a limited request does nothing`, async () => {
    const brand = await createBrand(t);
    const member = await createMember(t, brand);
    const key = await freshKey(brand);
    for (let i = 0; i < LIMIT; i++) {
      await t.http().get('/v1/brand').set(key).expect(200);
    }

    const before = await databaseFingerprint(query);
    expectRateLimited(await t.http().get('/v1/brand').set(key));
    expectRateLimited(
      await t
        .http()
        .post('/v1/events')
        .set(key)
        .send(event(member, 'share', {}, 'limited-1')),
    );
    expectRateLimited(
      await t
        .http()
        .post('/v1/events/batch')
        .set(key)
        .send({ events: [event(member, 'share', {}, 'limited-2')] }),
    );
    expectRateLimited(
      await t.http().post(`/v1/members/${member.id}/adjustments`).set(key).send({ points: 50, reason: 'limited' }),
    );
    expectRateLimited(await t.http().put('/v1/members/limited-newcomer').set(key).send({}));
    expectRateLimited(
      await t
        .http()
        .post('/v1/rules')
        .set(key)
        .send({ name: 'x', event: 'share', reward: { points: { fixed: 1 } } }),
    );
    expect(await databaseFingerprint(query)).toEqual(before);
  }, 30_000);

  it('a concurrent flood from one key gets exactly its allowance through', async () => {
    const brand = await createBrand(t);
    const key = await freshKey(brand);
    const answers = await Promise.all(Array.from({ length: 2 * LIMIT }, () => t.http().get('/v1/brand').set(key)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(LIMIT);
  }, 30_000);

  it('one key exhausting its limit does not limit another key of the brand, another brand, a member token or /health', async () => {
    const brand = await createBrand(t);
    const other = await createBrand(t);
    const member = await createMember(t, brand);
    const memberAuth = {
      Authorization: `Bearer ${(await t.http().post(`/v1/members/${member.id}/token`).set(brand.auth).expect(201)).body.token}`,
    };
    const flooder = await freshKey(brand);
    const sibling = await freshKey(brand);
    const otherKey = await freshKey(other);

    await Promise.all(Array.from({ length: LIMIT + 5 }, () => t.http().get('/v1/members').set(flooder)));
    expectRateLimited(await t.http().get('/v1/members').set(flooder));

    for (let i = 0; i < LIMIT - 1; i++) {
      await t.http().get('/v1/members').set(sibling).expect(200);
      await t.http().get('/v1/members').set(otherKey).expect(200);
      await t.http().get('/v1/me').set(memberAuth).expect(200);
    }
    await t.http().post('/v1/events').set(sibling).send(event(member, 'share')).expect(201);
    await t.http().get('/health').expect(200);
    await t.http().get('/ready').expect(200);
    // and the flooder is still held back
    expectRateLimited(await t.http().get('/v1/members').set(flooder));
    // a member token has an allowance of its own, and it runs out too
    await t.http().get('/v1/me').set(memberAuth).expect(200);
    expectRateLimited(await t.http().get('/v1/me').set(memberAuth));
  }, 30_000);

  it('callers without a key are limited per address, which limits neither keys nor /health', async () => {
    const brand = await createBrand(t);
    const key = await freshKey(brand);
    for (let i = 0; i < LIMIT; i++) {
      await t.http().get('/v1/brand').expect(401);
    }
    expectRateLimited(await t.http().get('/v1/brand'));
    expectRateLimited(await t.http().post('/v1/admin/brands').send({ name: 'anonymous' }));
    await t.http().get('/v1/brand').set(key).expect(200);
    for (let i = 0; i < 3; i++) {
      await t.http().get('/health').expect(200);
    }
  }, 30_000);

  describe('body limit', () => {
    const justOver = (field = 'name') => JSON.stringify({ [field]: 'x'.repeat(BODY_LIMIT) });

    it('answers 413 in the error shape for an oversized body on every POST, PUT and PATCH, and writes nothing', async () => {
      const brand = await createBrand(t);
      const member = await createMember(t, brand);
      const rule = await t
        .http()
        .post('/v1/rules')
        .set(brand.auth)
        .send({ name: 'r', event: 'share', reward: { points: { fixed: 1 } } })
        .expect(201);
      const key = await freshKey(brand);
      const routes: Array<[string, string, Record<string, string>]> = [
        ['POST', '/v1/admin/brands', { Authorization: `Bearer ${ADMIN_TOKEN}` }],
        ['PATCH', '/v1/brand', key],
        ['POST', '/v1/brand/keys', key],
        ['PUT', '/v1/brand/stages', key],
        ['PUT', `/v1/members/${member.externalId}`, key],
        ['POST', `/v1/members/${member.id}/token`, key],
        ['POST', `/v1/members/${member.id}/adjustments`, key],
        ['POST', '/v1/rules', key],
        ['PUT', `/v1/rules/${rule.body.id}`, key],
        ['POST', '/v1/rules/simulate', key],
        ['POST', `/v1/rules/${rule.body.id}/pause`, key],
        ['POST', '/v1/events', key],
        ['POST', '/v1/events/batch', key],
      ];
      const before = await databaseFingerprint(query);
      for (const [method, path, auth] of routes) {
        const res = await rawRequest(base, method, path, { ...auth, 'content-type': 'application/json' }, justOver());
        expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 413 });
        expect(contractViolation(t.contract, method, path, res)).toBeNull();
        expect(JSON.parse(res.text)).toMatchObject({
          statusCode: 413,
          error: 'Payload Too Large',
          message: expect.any(String),
        });
      }
      expect(await databaseFingerprint(query)).toEqual(before);
    }, 30_000);

    it('takes a body just under the limit (and answers it on its merits)', async () => {
      const brand = await createBrand(t);
      const key = await freshKey(brand);
      const body = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT - 100) });
      expect(Buffer.byteLength(body)).toBeLessThan(BODY_LIMIT);
      const res = await rawRequest(base, 'PATCH', '/v1/brand', { ...key, 'content-type': 'application/json' }, body);
      expect(res.status).toBe(400);
      expect(contractViolation(t.contract, 'PATCH', '/v1/brand', res)).toBeNull();
      expect(JSON.parse(res.text).details).toEqual([{ path: 'name', message: expect.any(String) }]);
    }, 30_000);

    it('answers 413 for a chunked body (no Content-Length) that grows past the limit', async () => {
      const brand = await createBrand(t);
      const member = await createMember(t, brand);
      const key = await freshKey(brand);
      const before = await databaseFingerprint(query);
      const body = JSON.stringify({ ...event(member, 'share', {}, 'chunked-1'), padding: 'x'.repeat(2 * BODY_LIMIT) });
      const res = await rawRequest(
        base,
        'POST',
        '/v1/events',
        { ...key, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body,
      );
      expect(res.status).toBe(413);
      expect(contractViolation(t.contract, 'POST', '/v1/events', res)).toBeNull();
      expect(await databaseFingerprint(query)).toEqual(before);
    }, 30_000);

    it('answers 413 at once for a Content-Length over the limit, without waiting for a body that never comes', async () => {
      const brand = await createBrand(t);
      const key = await freshKey(brand);
      const res = await new Promise<{ status: number; ms: number }>((resolve, reject) => {
        const started = Date.now();
        void import('node:http').then(({ default: http }) => {
          const req = http.request(new URL('/v1/events', base), {
            method: 'POST',
            headers: { ...key, 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
            agent: false,
          });
          const timer = setTimeout(() => req.destroy(new Error('no answer within 5 s')), 5_000);
          req.on('response', (r) => {
            clearTimeout(timer);
            resolve({ status: r.statusCode ?? 0, ms: Date.now() - started });
            req.destroy();
          });
          req.on('error', (e) => {
            clearTimeout(timer);
            reject(e);
          });
          req.write('{"idempotencyKey":');
        });
      });
      // Answered though the body never came: the server judged the declared length, not the bytes.
      expect(res.status).toBe(413);
    }, 30_000);
  });
});
