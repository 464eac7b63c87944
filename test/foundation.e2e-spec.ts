import { DataSource } from 'typeorm';
import { createBrand } from './support/factories.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

describe('foundation (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: String(64 * 1024) });
  });
  afterAll(() => t.close());

  describe('health', () => {
    it('answers /health and /ready', async () => {
      await t.http().get('/health').expect(200, { status: 'ok' });
      const ready = await t.http().get('/ready').expect(200);
      expect(ready.body).toEqual({ status: 'ready', database: 'up', migrations: 'applied' });
    });
    it("sets a request id on every answer, keeping the caller's", async () => {
      const res = await t.http().get('/health').set('x-request-id', 'abc-123');
      expect(res.headers['x-request-id']).toBe('abc-123');
      expect((await t.http().get('/health')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('brands and keys', () => {
    it('creates a brand with the operator token and returns its key once', async () => {
      const res = await t
        .http()
        .post('/v1/admin/brands')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: 'Acme' })
        .expect(201);
      expect(res.body.brand).toMatchObject({
        name: 'Acme',
        stages: expect.arrayContaining([{ key: 'awareness', name: 'Awareness' }]),
      });
      expect(res.body.apiKey.key).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
      const keys = await t
        .http()
        .get('/v1/brand/keys')
        .set('Authorization', `Bearer ${res.body.apiKey.key}`)
        .expect(200);
      expect(JSON.stringify(keys.body)).not.toContain(res.body.apiKey.key);
    });

    it('stores only a hash of the key', async () => {
      const brand = await createBrand(t);
      const stored = await t.app
        .get(DataSource)
        .query('SELECT key_hash, key_prefix FROM api_keys WHERE brand_id = $1', [brand.id]);
      expect(stored).toHaveLength(1);
      expect(stored[0].key_hash).not.toContain(brand.key);
      expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it.each([
      ['missing', undefined],
      ['unknown', 'Bearer sk_thisKeyDoesNotExist000000000000000'],
      ['not a bearer', 'Basic abc'],
      ['operator token', `Bearer ${ADMIN_TOKEN}`],
    ])('refuses a %s key with 401', async (_, header) => {
      const req = t.http().get('/v1/brand');
      if (header) {
        req.set('Authorization', header);
      }
      const res = await req.expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'auth.invalid_api_key' });
    });

    it('refuses brand creation without the operator token', async () => {
      await t.http().post('/v1/admin/brands').send({ name: 'x' }).expect(401);
      const brand = await createBrand(t);
      await t.http().post('/v1/admin/brands').set(brand.auth).send({ name: 'x' }).expect(401);
    });

    it('creates a second key and revokes the first: the revoked key answers 401', async () => {
      const brand = await createBrand(t);
      const second = await t.http().post('/v1/brand/keys').set(brand.auth).send({ name: 'rotation' }).expect(201);
      const list = await t.http().get('/v1/brand/keys').set(brand.auth).expect(200);
      expect(list.body.data).toHaveLength(2);
      const firstId = list.body.data.find((k: { name: string }) => k.name === 'default').id;
      await t.http().delete(`/v1/brand/keys/${firstId}`).set('Authorization', `Bearer ${second.body.key}`).expect(204);
      await t.http().get('/v1/brand').set(brand.auth).expect(401);
      await t.http().get('/v1/brand').set('Authorization', `Bearer ${second.body.key}`).expect(200);
      // the last live key cannot be revoked, so a brand never locks itself out
      const last = await t
        .http()
        .delete(`/v1/brand/keys/${second.body.id}`)
        .set('Authorization', `Bearer ${second.body.key}`)
        .expect(409);
      expect(last.body.code).toBe('brand.last_key');
    });

    it("answers 404 for another brand's key id", async () => {
      const a = await createBrand(t);
      const b = await createBrand(t);
      const bKeys = await t.http().get('/v1/brand/keys').set(b.auth).expect(200);
      await t.http().post('/v1/brand/keys').set(a.auth).send({}).expect(201);
      await t.http().delete(`/v1/brand/keys/${bKeys.body.data[0].id}`).set(a.auth).expect(404);
    });
  });

  describe('brand settings', () => {
    it('reads and patches name and settings, merging nested groups', async () => {
      const brand = await createBrand(t);
      const before = await t.http().get('/v1/brand').set(brand.auth).expect(200);
      expect(before.body.settings).toMatchObject({ timezone: 'UTC', currency: 'EUR' });
      const res = await t
        .http()
        .patch('/v1/brand')
        .set(brand.auth)
        .send({ name: 'Renamed', settings: { timezone: 'Europe/Amsterdam', referral: { withinDays: 7 } } })
        .expect(200);
      expect(res.body.name).toBe('Renamed');
      expect(res.body.settings).toMatchObject({
        timezone: 'Europe/Amsterdam',
        currency: 'EUR',
        referral: { withinDays: 7, qualifyingEvent: 'purchase' },
      });
      const after = await t.http().get('/v1/brand').set(brand.auth).expect(200);
      expect(after.body).toEqual(res.body);
    });
  });

  describe('errors', () => {
    it('answers 400 with the field paths', async () => {
      const brand = await createBrand(t);
      const res = await t
        .http()
        .patch('/v1/brand')
        .set(brand.auth)
        .send({ extra: 1, settings: { timezone: 'Nowhere/City', currency: 'euro', referral: { withinDays: 0 } } })
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation_failed' });
      const paths = res.body.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining(['extra', 'settings.timezone', 'settings.currency', 'settings.referral.withinDays']),
      );
    });

    it('refuses null for a setting that cannot be null, and stores nothing', async () => {
      // @IsOptional() let null through: a stored null time zone or pendingDays broke the brand
      const brand = await createBrand(t);
      const before = (await t.http().get('/v1/brand').set(brand.auth).expect(200)).body;
      const nulls: Array<[Record<string, unknown>, string]> = [
        ...['timezone', 'currency', 'autoEnroll', 'pendingDays', 'inactiveDays', 'referral', 'transitions'].map(
          (k): [Record<string, unknown>, string] => [{ [k]: null }, `settings.${k}`],
        ),
        ...['qualifyingEvent', 'minAmount', 'withinDays', 'maxReferralsPerMonth'].map(
          (k): [Record<string, unknown>, string] => [{ referral: { [k]: null } }, `settings.referral.${k}`],
        ),
        ...['firstPurchase', 'secondPurchase', 'referralMade'].map((k): [Record<string, unknown>, string] => [
          { transitions: { [k]: null } },
          `settings.transitions.${k}`,
        ]),
        ...['enabled', 'chainId', 'rpcUrl', 'tokenAddress', 'confirmations'].map(
          (k): [Record<string, unknown>, string] => [{ chain: { [k]: null } }, `settings.chain.${k}`],
        ),
      ];
      const wrong: string[] = [];
      for (const [settings, path] of nulls) {
        const res = await t.http().patch('/v1/brand').set(brand.auth).send({ settings });
        const paths = (res.body.details ?? []).map((d: { path: string }) => d.path);
        if (res.status !== 400 || !paths.includes(path)) {
          wrong.push(`${JSON.stringify(settings)} → ${res.status} ${JSON.stringify(res.body.details)}`);
        }
      }
      expect(wrong).toEqual([]);
      expect((await t.http().get('/v1/brand').set(brand.auth).expect(200)).body).toEqual(before);
      // the settings that may be null still take it
      await t
        .http()
        .patch('/v1/brand')
        .set(brand.auth)
        .send({ settings: { referralLandingUrl: null, expiryMonths: null, pointValue: null, chain: null } })
        .expect(200);
    });

    it.each([
      ['malformed JSON', '{"name": ', 'application/json'],
      ['a JSON array', '[1,2]', 'application/json'],
      ['a JSON string', '"x"', 'application/json'],
      ['a null body', 'null', 'application/json'],
    ])('answers 400 for %s', async (_, body, type) => {
      const brand = await createBrand(t);
      const res = await t.http().patch('/v1/brand').set(brand.auth).set('Content-Type', type).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('answers 400 for a path id that is not a UUID', async () => {
      const brand = await createBrand(t);
      const res = await t.http().delete('/v1/brand/keys/not-a-uuid').set(brand.auth).expect(400);
      expect(res.body.details).toEqual([{ path: 'keyId', message: 'must be a UUID' }]);
    });

    it('answers 404 for an unknown route in the one error shape', async () => {
      const res = await t.http().get('/v1/nothing-here').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });

    it('answers 413 for an oversized body', async () => {
      const brand = await createBrand(t);
      const res = await t
        .http()
        .patch('/v1/brand')
        .set(brand.auth)
        .send({ name: 'a'.repeat(100 * 1024) })
        .expect(413);
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });
  });

  describe('OpenAPI', () => {
    it('serves the document and the UI', async () => {
      const doc = await t.http().get('/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/v1/brand', '/v1/brand/keys', '/v1/admin/brands', '/health', '/ready']),
      );
      expect(doc.body.components.schemas).toHaveProperty('UpdateBrandDto');
      const ui = await t.http().get('/docs').redirects(1).expect(200);
      expect(ui.text).toContain('swagger');
    });
  });
});
