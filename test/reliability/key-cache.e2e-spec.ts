import request from 'supertest';
import { KEY_TRUST_MS } from '../../src/brands/brand-key.cache.js';
import { createBrand, createMember, createRule, event, type TestBrand } from '../support/factories.js';
import { checkedAgainst, type TestApp } from '../support/test-app.js';
import { startInstances } from './support/listening-app.js';

/**
 * Each instance keeps what it read for a key for at most KEY_TRUST_MS (README "Keys"): the
 * instance that revokes a key or changes the brand forgets it at once, the others within that
 * bound. Waiting the bound plus a margin is therefore enough to see every instance agree.
 */
describe('reliability: API keys cached per instance, two instances on one database (e2e)', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    let bases: string[];
    ({ t, bases, close } = await startInstances(2));
    [a, b] = bases;
  }, 30_000);
  afterAll(async () => {
    await close?.();
  }, 30_000);

  // Raw clients of each instance, held to the OpenAPI document like t.http() is.
  const to = (base: string) => checkedAgainst(t.contract, request(base));
  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
  const brandAs = (base: string, key: string) => to(base).get('/v1/brand').set(bearer(key));
  const pastTheBound = () => new Promise((r) => setTimeout(r, KEY_TRUST_MS + 250));

  it('a key revoked on A answers 401 there at once and on B within the bound; the new key works throughout', async () => {
    const brand = await createBrand(t);
    // both instances have read (and so cached) the first key
    await brandAs(a, brand.key).expect(200);
    await brandAs(b, brand.key).expect(200);

    const rotated = await to(a).post('/v1/brand/keys').set(brand.auth).send({ name: 'rotated' }).expect(201);
    const next: string = rotated.body.key;
    await brandAs(a, next).expect(200);
    await brandAs(b, next).expect(200);
    const keys = (await to(a).get('/v1/brand/keys').set(bearer(next)).expect(200)).body.data;
    const first = keys.find((k: { name: string }) => k.name === 'default');
    await to(a).delete(`/v1/brand/keys/${first.id}`).set(bearer(next)).expect(204);

    const refused = await brandAs(a, brand.key).expect(401);
    expect(refused.body.code).toBe('auth.invalid_api_key');
    await brandAs(a, next).expect(200);
    await brandAs(b, next).expect(200);

    await pastTheBound();
    for (const base of [a, b]) {
      expect((await brandAs(base, brand.key)).status).toBe(401);
      expect((await to(base).post('/v1/members/x/token').set(brand.auth)).status).toBe(401);
      expect((await brandAs(base, next)).status).toBe(200);
    }
  });

  it('an unknown key is 401 on both, however often it is tried', async () => {
    const brand = await createBrand(t);
    const unknown = `${brand.key.slice(0, -4)}${brand.key.slice(-4) === 'aaaa' ? 'bbbb' : 'aaaa'}`;
    for (let i = 0; i < 3; i++) {
      for (const base of [a, b]) {
        const res = await brandAs(base, unknown).expect(401);
        expect(res.body.code).toBe('auth.invalid_api_key');
      }
    }
    await brandAs(a, brand.key).expect(200);
  });

  it('a rule made on A applies on A to the next event, and on B within the bound', async () => {
    const brand: TestBrand = await createBrand(t);
    const member = await createMember(t, brand);
    const points = async () =>
      (await to(a).get(`/v1/members/${member.id}`).set(brand.auth).expect(200)).body.balance.available;
    // B has read the brand (no rules yet): its view of the rule set is cached
    await to(b).post('/v1/events').set(brand.auth).send(event(member, 'share')).expect(201);
    expect(await points()).toBe(0);

    await createRule(t, brand, { name: 'Share', event: 'share', reward: { points: { fixed: 7 } } });
    await to(a).post('/v1/events').set(brand.auth).send(event(member, 'share')).expect(201);
    expect(await points()).toBe(7);

    await pastTheBound();
    await to(b).post('/v1/events').set(brand.auth).send(event(member, 'share')).expect(201);
    expect(await points()).toBe(14);
  });

  it('settings patched on A apply on B within the bound', async () => {
    const brand = await createBrand(t);
    await to(b).put('/v1/members/before-patch').set(brand.auth).send({}).expect(201);
    await to(a)
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { autoEnroll: true } })
      .expect(200);
    await pastTheBound();
    // an event for an unknown member enrols it only where autoEnroll is seen on
    const res = await to(b)
      .post('/v1/events')
      .set(brand.auth)
      .send(event({ externalId: 'enrolled-by-event' }, 'share'))
      .expect(201);
    expect(res.body.member.externalId).toBe('enrolled-by-event');
  });
});
