import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { createBrand, createMember, createRule, event, type TestBrand, type TestMember } from '../support/factories.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app.js';
import { databaseFingerprint, type Query } from './support/db-checks.js';

/**
 * Tenant isolation (DESIGN §2): one brand's key never reaches another brand's members or rules
 * (404, as if they did not exist, and nothing written); a member token sees only its own member
 * and nothing of the brand API; a revoked key is a 401 everywhere.
 */
describe('reliability: isolation (e2e)', () => {
  let t: TestApp;
  let query: Query;
  let a: TestBrand;
  let b: TestBrand;
  let ann: TestMember; // brand A
  let ben: TestMember; // brand A
  let rule: { id: string; version: number }; // brand A
  let annToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    const ds = t.app.get(DataSource);
    query = (sql, params) => ds.query(sql, params);
    a = await createBrand(t, 'Brand A');
    b = await createBrand(t, 'Brand B');
    rule = await createRule(t, a, { name: 'Share', event: 'share', reward: { points: { fixed: 10 } } });
    ann = await createMember(t, a, { email: 'ann@a.example' }, 'iso-ann');
    ben = await createMember(t, a, { email: 'ben@a.example' }, 'iso-ben');
    await t.http().post('/v1/events').set(a.auth).send(event(ann, 'share')).expect(201);
    await t.http().post('/v1/events').set(a.auth).send(event(ben, 'share')).expect(201);
    await t
      .http()
      .post(`/v1/members/${ben.id}/adjustments`)
      .set(a.auth)
      .send({ points: 5, reason: 'ben only' })
      .expect(201);
    annToken = (await t.http().post(`/v1/members/${ann.id}/token`).set(a.auth).expect(201)).body.token;
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  }, 30_000);

  /** Every request brand B could make at brand A's member (by our id and by A's externalId). */
  const memberRequests = (ref: string) => [
    { name: `GET /v1/members/${ref}`, send: () => t.http().get(`/v1/members/${ref}`) },
    { name: `GET /v1/members/${ref}/ledger`, send: () => t.http().get(`/v1/members/${ref}/ledger`) },
    { name: `GET /v1/members/${ref}/stages`, send: () => t.http().get(`/v1/members/${ref}/stages`) },
    {
      name: `POST /v1/members/${ref}/adjustments (credit)`,
      send: () => t.http().post(`/v1/members/${ref}/adjustments`).send({ points: 1000, reason: 'steal' }),
    },
    {
      name: `POST /v1/members/${ref}/adjustments (debit)`,
      send: () => t.http().post(`/v1/members/${ref}/adjustments`).send({ points: -5, reason: 'steal' }),
    },
    { name: `POST /v1/members/${ref}/token`, send: () => t.http().post(`/v1/members/${ref}/token`) },
  ];

  it("brand B's key gets 404 for every route on brand A's member, and writes nothing", async () => {
    const before = await databaseFingerprint(query);
    for (const ref of [ann.id, ann.id.toUpperCase()]) {
      for (const r of memberRequests(ref)) {
        const res = await r.send().set(b.auth);
        expect({ request: r.name, status: res.status, code: res.body.code }).toEqual({
          request: r.name,
          status: 404,
          code: 'member.not_found',
        });
        expect(JSON.stringify(res.body)).not.toContain('iso-ann');
      }
    }
    expect(await databaseFingerprint(query)).toEqual(before);
  }, 30_000);

  it("brand B's externalIds are its own: the same externalId as A's member is another member", async () => {
    for (const r of memberRequests('iso-ann')) {
      const res = await r.send().set(b.auth);
      expect({ request: r.name, status: res.status }).toEqual({ request: r.name, status: 404 });
    }
    const own = await t.http().put('/v1/members/iso-ann').set(b.auth).send({ email: 'other@b.example' }).expect(201);
    expect(own.body.id).not.toBe(ann.id);
    expect(own.body.balance).toEqual({ available: 0, pending: 0, lifetimeEarned: 0 });
    const got = await t.http().get('/v1/members/iso-ann').set(b.auth).expect(200);
    expect(got.body.id).toBe(own.body.id);
    const ledger = await t.http().get('/v1/members/iso-ann/ledger').set(b.auth).expect(200);
    expect(ledger.body.data).toEqual([]);
    // A's member is untouched by B's upsert of the same externalId
    const ann2 = await t.http().get(`/v1/members/${ann.id}`).set(a.auth).expect(200);
    expect(ann2.body).toMatchObject({ email: 'ann@a.example', balance: { available: 10 } });
    const bList = await t.http().get('/v1/members').set(b.auth).expect(200);
    expect(bList.body.data.map((m: { id: string }) => m.id)).toEqual([own.body.id]);
  }, 30_000);

  it("brand B cannot send events, batches or simulations for brand A's member", async () => {
    const before = await databaseFingerprint(query);
    const single = await t
      .http()
      .post('/v1/events')
      .set(b.auth)
      .send(event({ id: ann.id }, 'share', {}, 'iso-steal-1'))
      .expect(404);
    expect(single.body.code).toBe('member.not_found');
    const batch = await t
      .http()
      .post('/v1/events/batch')
      .set(b.auth)
      .send({
        events: [event({ id: ann.id }, 'share', {}, 'iso-steal-2'), event({ id: ben.id }, 'share', {}, 'iso-steal-3')],
      })
      .expect(200);
    expect(batch.body.results.map((r: { status: number }) => r.status)).toEqual([404, 404]);
    await t
      .http()
      .post('/v1/rules/simulate')
      .set(b.auth)
      .send({ event: { type: 'share' }, member: { id: ann.id } })
      .expect(404);
    expect(await databaseFingerprint(query)).toEqual(before);
  }, 30_000);

  it("brand B's key gets 404 rule.not_found for every route on brand A's rule, and writes nothing", async () => {
    const before = await databaseFingerprint(query);
    const requests = [
      ['GET', `/v1/rules/${rule.id}`, () => t.http().get(`/v1/rules/${rule.id}`)],
      [
        'PUT',
        `/v1/rules/${rule.id}`,
        () =>
          t
            .http()
            .put(`/v1/rules/${rule.id}`)
            .send({ name: 'Stolen', event: 'share', reward: { points: { fixed: 999 } } }),
      ],
      ['POST', `/v1/rules/${rule.id}/pause`, () => t.http().post(`/v1/rules/${rule.id}/pause`)],
      ['POST', `/v1/rules/${rule.id}/activate`, () => t.http().post(`/v1/rules/${rule.id}/activate`)],
      ['POST', `/v1/rules/${rule.id}/archive`, () => t.http().post(`/v1/rules/${rule.id}/archive`)],
      ['GET', `/v1/rules/${rule.id}/versions`, () => t.http().get(`/v1/rules/${rule.id}/versions`)],
      ['GET', `/v1/rules/${rule.id}/versions/1`, () => t.http().get(`/v1/rules/${rule.id}/versions/1`)],
    ] as const;
    for (const [method, path, send] of requests) {
      const res = await send().set(b.auth);
      expect({ request: `${method} ${path}`, status: res.status, code: res.body.code }).toEqual({
        request: `${method} ${path}`,
        status: 404,
        code: 'rule.not_found',
      });
    }
    expect((await t.http().get('/v1/rules').set(b.auth).expect(200)).body.data).toEqual([]);
    expect(await databaseFingerprint(query)).toEqual(before);
    const mine = await t.http().get(`/v1/rules/${rule.id}`).set(a.auth).expect(200);
    expect(mine.body).toMatchObject({ version: 1, status: 'active', name: 'Share' });
  }, 30_000);

  it("brand B cannot revoke brand A's key", async () => {
    const aKeys = (await t.http().get('/v1/brand/keys').set(a.auth).expect(200)).body.data;
    await t.http().delete(`/v1/brand/keys/${aKeys[0].id}`).set(b.auth).expect(404);
    await t.http().get('/v1/brand').set(a.auth).expect(200);
    const bView = await t.http().get('/v1/brand').set(b.auth).expect(200);
    expect(bView.body.id).toBe(b.id);
  }, 30_000);

  it('a member token sees only its own member on /v1/me and /v1/me/ledger', async () => {
    const auth = { Authorization: `Bearer ${annToken}` };
    const me = await t.http().get('/v1/me').set(auth).expect(200);
    expect(me.body).toMatchObject({ id: ann.id, externalId: 'iso-ann', email: 'ann@a.example' });
    const ledger = await t.http().get('/v1/me/ledger').set(auth).expect(200);
    const annLedger = await t.http().get(`/v1/members/${ann.id}/ledger`).set(a.auth).expect(200);
    expect(ledger.body.data.map((e: { id: string }) => e.id)).toEqual(
      annLedger.body.data.map((e: { id: string }) => e.id),
    );
    const benEntries = (await t.http().get(`/v1/members/${ben.id}/ledger`).set(a.auth).expect(200)).body.data.map(
      (e: { id: string }) => e.id,
    );
    expect(benEntries).toHaveLength(2);
    for (const id of benEntries) {
      expect(JSON.stringify(ledger.body)).not.toContain(id);
    }
    // nothing in the query string points a token at someone else
    for (const q of [`memberId=${ben.id}`, `id=${ben.id}`, `member=${ben.id}`]) {
      const res = await t.http().get(`/v1/me/ledger?${q}`).set(auth);
      expect(res.status).toBeLessThan(500);
      if (res.status === 200) {
        expect(res.body.data.map((e: { id: string }) => e.id)).toEqual(
          annLedger.body.data.map((e: { id: string }) => e.id),
        );
      }
    }
    const meAgain = await t.http().get(`/v1/me?memberId=${ben.id}`).set(auth);
    expect(meAgain.status).toBeLessThan(500);
    if (meAgain.status === 200) {
      expect(meAgain.body.id).toBe(ann.id);
    }
  }, 30_000);

  it('a member token cannot reach brand routes or admin routes (401), and writes nothing', async () => {
    const auth = { Authorization: `Bearer ${annToken}` };
    const before = await databaseFingerprint(query);
    const requests: Array<[string, () => Test]> = [
      ['GET /v1/brand', () => t.http().get('/v1/brand')],
      ['PATCH /v1/brand', () => t.http().patch('/v1/brand').send({ name: 'Owned' })],
      ['GET /v1/brand/keys', () => t.http().get('/v1/brand/keys')],
      ['POST /v1/brand/keys', () => t.http().post('/v1/brand/keys').send({})],
      [
        'PUT /v1/brand/stages',
        () =>
          t
            .http()
            .put('/v1/brand/stages')
            .send({
              stages: [
                { key: 'a', name: 'A' },
                { key: 'b', name: 'B' },
              ],
            }),
      ],
      ['GET /v1/members', () => t.http().get('/v1/members')],
      [`GET /v1/members/${ann.id}`, () => t.http().get(`/v1/members/${ann.id}`)],
      [`GET /v1/members/${ann.id}/ledger`, () => t.http().get(`/v1/members/${ann.id}/ledger`)],
      [
        `PUT /v1/members/${ann.externalId}`,
        () => t.http().put(`/v1/members/${ann.externalId}`).send({ email: 'x@y.example' }),
      ],
      [
        `POST /v1/members/${ann.id}/adjustments`,
        () => t.http().post(`/v1/members/${ann.id}/adjustments`).send({ points: 1000, reason: 'self-service' }),
      ],
      [`POST /v1/members/${ann.id}/token`, () => t.http().post(`/v1/members/${ann.id}/token`)],
      ['POST /v1/events', () => t.http().post('/v1/events').send(event(ann, 'share'))],
      [
        'POST /v1/events/batch',
        () =>
          t
            .http()
            .post('/v1/events/batch')
            .send({ events: [event(ann, 'share')] }),
      ],
      ['GET /v1/rules', () => t.http().get('/v1/rules')],
      [
        'POST /v1/rules',
        () =>
          t
            .http()
            .post('/v1/rules')
            .send({ name: 'Mine', event: 'share', reward: { points: { fixed: 1 } } }),
      ],
      [`POST /v1/rules/${rule.id}/pause`, () => t.http().post(`/v1/rules/${rule.id}/pause`)],
      [
        'POST /v1/rules/simulate',
        () =>
          t
            .http()
            .post('/v1/rules/simulate')
            .send({ event: { type: 'share' } }),
      ],
      ['POST /v1/admin/brands', () => t.http().post('/v1/admin/brands').send({ name: 'Mine' })],
    ];
    for (const [name, send] of requests) {
      const res = await send().set(auth);
      expect({ request: name, status: res.status }).toEqual({ request: name, status: 401 });
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
    expect(await databaseFingerprint(query)).toEqual(before);
  }, 30_000);

  it('brand keys and the operator token are not member tokens: /v1/me answers 401', async () => {
    for (const header of [
      a.auth.Authorization,
      `Bearer ${ADMIN_TOKEN}`,
      `Bearer ${annToken}x`,
      `Bearer ${annToken.slice(0, -1)}`,
    ]) {
      await t.http().get('/v1/me').set('Authorization', header).expect(401);
      await t.http().get('/v1/me/ledger').set('Authorization', header).expect(401);
    }
  }, 30_000);

  it('a revoked key answers 401 on every route and writes nothing', async () => {
    const brand = await createBrand(t, 'Rotating');
    const member = await createMember(t, brand);
    const ruleOfBrand = await createRule(t, brand, { name: 'Share', event: 'share', reward: { points: { fixed: 1 } } });
    const spare = await t.http().post('/v1/brand/keys').set(brand.auth).send({ name: 'spare' }).expect(201);
    const keys = (await t.http().get('/v1/brand/keys').set(brand.auth).expect(200)).body.data;
    const old = keys.find((k: { name: string }) => k.name === 'default');
    await t.http().delete(`/v1/brand/keys/${old.id}`).set('Authorization', `Bearer ${spare.body.key}`).expect(204);

    const before = await databaseFingerprint(query);
    const requests: Array<[string, () => Test]> = [
      ['GET /v1/brand', () => t.http().get('/v1/brand')],
      ['PATCH /v1/brand', () => t.http().patch('/v1/brand').send({ name: 'Revoked rename' })],
      ['POST /v1/brand/keys', () => t.http().post('/v1/brand/keys').send({ name: 'new' })],
      [`GET /v1/members/${member.id}`, () => t.http().get(`/v1/members/${member.id}`)],
      ['PUT /v1/members/newcomer', () => t.http().put('/v1/members/newcomer').send({})],
      [
        `POST /v1/members/${member.id}/adjustments`,
        () => t.http().post(`/v1/members/${member.id}/adjustments`).send({ points: 10, reason: 'revoked' }),
      ],
      [`POST /v1/members/${member.id}/token`, () => t.http().post(`/v1/members/${member.id}/token`)],
      ['POST /v1/events', () => t.http().post('/v1/events').send(event(member, 'share'))],
      [
        'POST /v1/events/batch',
        () =>
          t
            .http()
            .post('/v1/events/batch')
            .send({ events: [event(member, 'share')] }),
      ],
      [
        'POST /v1/rules',
        () =>
          t
            .http()
            .post('/v1/rules')
            .send({ name: 'x', event: 'share', reward: { points: { fixed: 1 } } }),
      ],
      [
        `PUT /v1/rules/${ruleOfBrand.id}`,
        () =>
          t
            .http()
            .put(`/v1/rules/${ruleOfBrand.id}`)
            .send({ name: 'x', event: 'share', reward: { points: { fixed: 1 } } }),
      ],
      [`POST /v1/rules/${ruleOfBrand.id}/pause`, () => t.http().post(`/v1/rules/${ruleOfBrand.id}/pause`)],
      [
        'POST /v1/rules/simulate',
        () =>
          t
            .http()
            .post('/v1/rules/simulate')
            .send({ event: { type: 'share' } }),
      ],
    ];
    for (const [name, send] of requests) {
      const res = await send().set(brand.auth);
      expect({ request: name, status: res.status, code: res.body.code }).toEqual({
        request: name,
        status: 401,
        code: 'auth.invalid_api_key',
      });
    }
    expect(await databaseFingerprint(query)).toEqual(before);
    await t.http().get('/v1/brand').set('Authorization', `Bearer ${spare.body.key}`).expect(200);
  }, 30_000);
});
