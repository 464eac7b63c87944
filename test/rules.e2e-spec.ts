import { DataSource } from 'typeorm';
import { RuleSetCache } from '../src/rules/rule-set.cache.js';
import { allowTokenRules } from './support/chain.js';
import { createBrand as createPlainBrand, type TestBrand } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The rule of DESIGN §3. */
const purchasePoints = () => ({
  name: 'Purchase points',
  stages: ['conversion', 'retention', 'loyalty'],
  event: 'purchase',
  conditions: {
    all: [
      { fact: 'event.amount', op: 'gte', value: 20 },
      { fact: 'member.tier', op: 'in', value: ['silver', 'gold'] },
    ],
  },
  reward: { points: { perUnit: { fact: 'event.amount', rate: 2, rounding: 'floor' } }, token: { amount: '1.5' } },
  advanceStage: 'retention',
  limits: { perMember: { count: 3, points: 1000, period: 'day' }, cooldownSeconds: 60, budgetPoints: 1000000 },
  priority: 10,
  exclusive: false,
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: null,
  status: 'active',
});

const shareRule = (name = 'Share', status = 'active') => ({
  name,
  event: 'share',
  reward: { points: { fixed: 5 } },
  status,
});

const TEMPLATE_NAMES = [
  'Share points',
  'Exclusive content',
  'Feedback',
  'First purchase bonus',
  'Points per currency unit',
  'Repeat purchase multiplier',
  'Win-back',
  'Referral bonus',
  'Welcome gift for referred friends',
];

interface RuleBody {
  id: string;
  version: number;
  name: string;
  status: string;
  stages: string[];
  [key: string]: unknown;
}

/** The DESIGN rule pays a token too: these brands have their chain on. */
const createBrand = async (t: TestApp): Promise<TestBrand> => {
  const brand = await createPlainBrand(t);
  await allowTokenRules(t, brand.id);
  return brand;
};

describe('rules (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const rulesVersion = async (brand: TestBrand): Promise<number> =>
    (await db.query('SELECT rules_version FROM brands WHERE id = $1', [brand.id]))[0].rules_version;

  const createRule = async (brand: TestBrand, body: object): Promise<RuleBody> =>
    (await t.http().post('/v1/rules').set(brand.auth).send(body).expect(201)).body;

  describe('create, read, list', () => {
    it("creates version 1 of a rule, answers the rule view, and bumps the brand's rules_version", async () => {
      const brand = await createBrand(t);
      expect(await rulesVersion(brand)).toBe(0);
      const res = await t.http().post('/v1/rules').set(brand.auth).send(purchasePoints()).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        version: 1,
        ...purchasePoints(),
        description: null,
        setStage: null,
        pendingDays: null,
        budgetSpent: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await rulesVersion(brand)).toBe(1);

      const got = await t.http().get(`/v1/rules/${res.body.id}`).set(brand.auth).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('fills the defaults of a minimal rule', async () => {
      const brand = await createBrand(t);
      const rule = await createRule(brand, { name: 'Minimal', event: 'share', reward: { points: { fixed: 1 } } });
      expect(rule).toMatchObject({
        stages: [],
        priority: 0,
        exclusive: false,
        status: 'active',
        conditions: null,
        limits: null,
      });
    });

    it("lists a brand's rules with cursor pagination and filters by status and event", async () => {
      const brand = await createBrand(t);
      const a = await createRule(brand, shareRule('A'));
      const b = await createRule(brand, shareRule('B', 'paused'));
      const c = await createRule(brand, purchasePoints());

      const first = await t.http().get('/v1/rules?limit=2').set(brand.auth).expect(200);
      expect(first.body.data.map((r: RuleBody) => r.id)).toEqual([a.id, b.id]);
      expect(first.body.nextCursor).toBe(b.id);
      const second = await t
        .http()
        .get(`/v1/rules?limit=2&cursor=${first.body.nextCursor}`)
        .set(brand.auth)
        .expect(200);
      expect(second.body).toEqual({ data: [c], nextCursor: null });

      const paused = await t.http().get('/v1/rules?status=paused').set(brand.auth).expect(200);
      expect(paused.body.data.map((r: RuleBody) => r.name)).toEqual(['B']);
      const shares = await t.http().get('/v1/rules?event=share').set(brand.auth).expect(200);
      expect(shares.body.data.map((r: RuleBody) => r.name)).toEqual(['A', 'B']);
      const activeShares = await t.http().get('/v1/rules?event=share&status=active').set(brand.auth).expect(200);
      expect(activeShares.body).toEqual({ data: [a], nextCursor: null });
    });

    it('refuses a bad list query with 400 and the parameter', async () => {
      const brand = await createBrand(t);
      for (const [query, path] of [
        ['status=deleted', 'status'],
        ['event=Bad!', 'event'],
        ['cursor=nope', 'cursor'],
        ['limit=0', 'limit'],
        ['colour=red', 'colour'],
      ]) {
        const res = await t.http().get(`/v1/rules?${query}`).set(brand.auth).expect(400);
        expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
      }
    });

    it('requires a brand key', async () => {
      await t.http().get('/v1/rules').expect(401);
      await t.http().post('/v1/rules').send(shareRule()).expect(401);
    });
  });

  describe('versions and status', () => {
    it('edits into version 2, keeps every version, and records who changed it', async () => {
      const brand = await createBrand(t);
      const keyId = (await t.http().get('/v1/brand/keys').set(brand.auth).expect(200)).body.data[0].id;
      const v1 = await createRule(brand, purchasePoints());
      const before = await rulesVersion(brand);

      const edited = { ...purchasePoints(), name: 'Purchase points (double)', priority: 20 };
      const v2 = await t.http().put(`/v1/rules/${v1.id}`).set(brand.auth).send(edited).expect(200);
      expect(v2.body).toMatchObject({
        id: v1.id,
        version: 2,
        name: 'Purchase points (double)',
        priority: 20,
        createdAt: v1.createdAt,
      });
      expect(await rulesVersion(brand)).toBe(before + 1);
      expect((await t.http().get(`/v1/rules/${v1.id}`).set(brand.auth).expect(200)).body).toEqual(v2.body);

      const versions = await t.http().get(`/v1/rules/${v1.id}/versions`).set(brand.auth).expect(200);
      expect(versions.body.nextCursor).toBeNull();
      expect(versions.body.data).toEqual([
        {
          ruleId: v1.id,
          version: 2,
          definition: expect.objectContaining({ name: 'Purchase points (double)', priority: 20 }),
          changedBy: `key:${keyId}`,
          createdAt: expect.any(String),
        },
        {
          ruleId: v1.id,
          version: 1,
          definition: expect.objectContaining({ name: 'Purchase points', priority: 10 }),
          changedBy: `key:${keyId}`,
          createdAt: expect.any(String),
        },
      ]);

      const one = await t.http().get(`/v1/rules/${v1.id}/versions/1`).set(brand.auth).expect(200);
      expect(one.body).toEqual(versions.body.data[1]);
      const { id: _id, version: _v, budgetSpent: _b, createdAt: _c, updatedAt: _u, ...definition } = v1;
      expect(one.body.definition).toEqual(definition);

      const page = await t.http().get(`/v1/rules/${v1.id}/versions?limit=1`).set(brand.auth).expect(200);
      expect(page.body.data.map((v: { version: number }) => v.version)).toEqual([2]);
      const rest = await t
        .http()
        .get(`/v1/rules/${v1.id}/versions?limit=1&cursor=${page.body.nextCursor}`)
        .set(brand.auth)
        .expect(200);
      expect(rest.body).toMatchObject({ data: [{ version: 1 }], nextCursor: null });

      const missing = await t.http().get(`/v1/rules/${v1.id}/versions/3`).set(brand.auth).expect(404);
      expect(missing.body.code).toBe('rule.version_not_found');
      const bad = await t.http().get(`/v1/rules/${v1.id}/versions/two`).set(brand.auth).expect(400);
      expect(bad.body.details).toEqual([{ path: 'version', message: 'must be a version number' }]);
    });

    it('pauses, activates and archives, each a new version; archived rules cannot be edited or re-activated', async () => {
      const brand = await createBrand(t);
      const rule = await createRule(brand, shareRule());
      let seen = await rulesVersion(brand);
      const expectBump = async (by: number) => {
        const now = await rulesVersion(brand);
        expect(now).toBe(seen + by);
        seen = now;
      };

      const paused = await t.http().post(`/v1/rules/${rule.id}/pause`).set(brand.auth).expect(200);
      expect(paused.body).toMatchObject({ status: 'paused', version: 2 });
      await expectBump(1);
      // asking for the status it already has changes nothing
      const again = await t.http().post(`/v1/rules/${rule.id}/pause`).set(brand.auth).expect(200);
      expect(again.body).toMatchObject({ status: 'paused', version: 2 });
      await expectBump(0);

      const active = await t.http().post(`/v1/rules/${rule.id}/activate`).set(brand.auth).expect(200);
      expect(active.body).toMatchObject({ status: 'active', version: 3 });
      await expectBump(1);

      const archived = await t.http().post(`/v1/rules/${rule.id}/archive`).set(brand.auth).expect(200);
      expect(archived.body).toMatchObject({ status: 'archived', version: 4 });
      await expectBump(1);

      const edit = await t
        .http()
        .put(`/v1/rules/${rule.id}`)
        .set(brand.auth)
        .send(shareRule('Share again'))
        .expect(409);
      expect(edit.body).toMatchObject({ statusCode: 409, code: 'rule.archived' });
      for (const action of ['activate', 'pause']) {
        const res = await t.http().post(`/v1/rules/${rule.id}/${action}`).set(brand.auth).expect(409);
        expect(res.body.code).toBe('rule.archived');
      }
      await t.http().post(`/v1/rules/${rule.id}/archive`).set(brand.auth).expect(200);
      await expectBump(0);

      const versions = await t.http().get(`/v1/rules/${rule.id}/versions`).set(brand.auth).expect(200);
      expect(
        versions.body.data.map((v: { version: number; definition: { status: string } }) => [
          v.version,
          v.definition.status,
        ]),
      ).toEqual([
        [4, 'archived'],
        [3, 'active'],
        [2, 'paused'],
        [1, 'active'],
      ]);
      await t.http().delete(`/v1/rules/${rule.id}`).set(brand.auth).expect(404);
    });
  });

  describe('concurrent writes', () => {
    it('gives concurrent edits of one rule consecutive versions', async () => {
      const brand = await createBrand(t);
      const rule = await createRule(brand, shareRule());
      const before = await rulesVersion(brand);
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          t
            .http()
            .put(`/v1/rules/${rule.id}`)
            .set(brand.auth)
            .send(shareRule(`Share ${n}`)),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.map((r) => r.body.version).sort()).toEqual([2, 3, 4, 5, 6]);
      const versions = await t.http().get(`/v1/rules/${rule.id}/versions`).set(brand.auth).expect(200);
      expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
      expect(await rulesVersion(brand)).toBe(before + 5);
    });

    it('applies the template once when asked twice at the same time', async () => {
      const brand = await createBrand(t);
      const [a, b] = await Promise.all(
        [0, 1].map(() => t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201)),
      );
      expect(a.body.created.length + b.body.created.length).toBe(9);
      expect((await t.http().get('/v1/rules').set(brand.auth).expect(200)).body.data).toHaveLength(9);
    });
  });

  describe('validation', () => {
    const base = () => ({ name: 'Bad', event: 'purchase', reward: { points: { fixed: 10 } } });
    it.each([
      [
        'an unknown fact',
        { ...base(), conditions: { all: [{ fact: 'member.shoeSize', op: 'eq', value: 42 }] } },
        'conditions.all[0].fact',
      ],
      [
        'an unknown op',
        {
          ...base(),
          conditions: {
            all: [
              { fact: 'event.amount', op: 'gte', value: 1 },
              { fact: 'event.url', op: 'matches', value: '.*' },
            ],
          },
        },
        'conditions.all[1].op',
      ],
      ['an unknown stage', { ...base(), stages: ['nirvana'] }, 'stages[0]'],
      ['an unknown key', { ...base(), colour: 'red' }, 'colour'],
      [
        'an unknown nested key',
        { ...base(), limits: { perMember: { count: 1, period: 'day', per: 'x' } } },
        'limits.perMember.per',
      ],
      ['a bad reward', { ...base(), reward: { points: { fixed: -5 } } }, 'reward.points.fixed'],
      ['a bad token amount', { ...base(), reward: { token: { amount: 1.5 } } }, 'reward.token.amount'],
      ['a bad event type', { ...base(), event: 'Purchase!' }, 'event'],
      ['a missing name', { event: 'purchase', reward: { points: { fixed: 10 } } }, 'name'],
    ])('refuses %s with 400 and its JSON path', async (_, body, path) => {
      const brand = await createBrand(t);
      const res = await t.http().post('/v1/rules').set(brand.auth).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation_failed' });
      expect(res.body.details).toEqual([{ path, message: expect.any(String) }]);
      expect(await rulesVersion(brand)).toBe(0);
      expect((await t.http().get('/v1/rules').set(brand.auth).expect(200)).body.data).toEqual([]);
    });

    it('lists every fault at once, on edits too', async () => {
      const brand = await createBrand(t);
      const rule = await createRule(brand, shareRule());
      const res = await t
        .http()
        .put(`/v1/rules/${rule.id}`)
        .set(brand.auth)
        .send({
          name: 'x',
          event: 'share',
          stages: ['awareness', 'mars'],
          reward: { points: { perUnit: { fact: 'event.amount', rate: -1 } } },
          priority: 1.5,
        })
        .expect(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toEqual([
        'stages[1]',
        'reward.points.perUnit.rate',
        'priority',
      ]);
      expect((await t.http().get(`/v1/rules/${rule.id}`).set(brand.auth).expect(200)).body.version).toBe(1);
    });

    it.each([
      ['an array', [1, 2]],
      ['a string', '"rule"'],
    ])('refuses %s as a rule', async (_, body) => {
      const brand = await createBrand(t);
      const res = await t
        .http()
        .post('/v1/rules')
        .set(brand.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body))
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('refuses a path id that is not a UUID', async () => {
      const brand = await createBrand(t);
      const res = await t.http().get('/v1/rules/not-a-uuid').set(brand.auth).expect(400);
      expect(res.body.details).toEqual([{ path: 'id', message: 'must be a UUID' }]);
    });
  });

  describe('tenancy', () => {
    it("answers 404 rule.not_found for another brand's rule, and never lists it", async () => {
      const owner = await createBrand(t);
      const other = await createBrand(t);
      const rule = await createRule(owner, shareRule());
      const requests = [
        t.http().get(`/v1/rules/${rule.id}`),
        t.http().put(`/v1/rules/${rule.id}`).send(shareRule('Stolen')),
        t.http().post(`/v1/rules/${rule.id}/pause`),
        t.http().post(`/v1/rules/${rule.id}/archive`),
        t.http().get(`/v1/rules/${rule.id}/versions`),
        t.http().get(`/v1/rules/${rule.id}/versions/1`),
      ];
      for (const request of requests) {
        const res = await request.set(other.auth).expect(404);
        expect(res.body).toMatchObject({ statusCode: 404, code: 'rule.not_found' });
      }
      expect((await t.http().get('/v1/rules').set(other.auth).expect(200)).body.data).toEqual([]);
      expect(await rulesVersion(other)).toBe(0);
      expect((await t.http().get(`/v1/rules/${rule.id}`).set(owner.auth).expect(200)).body).toEqual(rule);
    });
  });

  describe('loyalty-loop template', () => {
    it('creates the 9 starter rules once; a second call skips them all', async () => {
      const brand = await createBrand(t);
      const first = await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      expect(first.body.created.map((r: RuleBody) => r.name)).toEqual(TEMPLATE_NAMES);
      expect(first.body.skipped).toEqual([]);
      expect(await rulesVersion(brand)).toBe(1);
      const byName = new Map<string, RuleBody>(first.body.created.map((r: RuleBody) => [r.name, r]));
      expect(byName.get('Share points')).toMatchObject({
        version: 1,
        event: 'share',
        stages: ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'],
        reward: { points: { fixed: 10 } },
        limits: { perMember: { count: 5, period: 'day' } },
        status: 'active',
      });
      expect(byName.get('Welcome gift for referred friends')).toMatchObject({
        stages: [],
        conditions: {
          all: [
            { fact: 'member.referred', op: 'eq', value: true },
            { fact: 'member.purchaseCount', op: 'eq', value: 1 },
          ],
        },
        reward: { points: { fixed: 250 } },
      });
      const listed = await t.http().get('/v1/rules').set(brand.auth).expect(200);
      expect(listed.body.data).toHaveLength(9);

      const second = await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      expect(second.body).toEqual({ created: [], skipped: TEMPLATE_NAMES });
      expect(await rulesVersion(brand)).toBe(1);
    });

    it('skips only the template rules whose names the brand already uses', async () => {
      const brand = await createBrand(t);
      await createRule(brand, { ...shareRule('Feedback', 'archived'), event: 'feedback' });
      const res = await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      expect(res.body.skipped).toEqual(['Feedback']);
      expect(res.body.created).toHaveLength(8);
    });

    it('drops the stages a brand with its own journey does not have', async () => {
      const brand = await createBrand(t);
      const stages = [
        { key: 'awareness', name: 'Awareness' },
        { key: 'purchase', name: 'Purchase' },
        { key: 'retention', name: 'Retention' },
        { key: 'support', name: 'Support' },
      ];
      await db.query('UPDATE brands SET stages = $2::jsonb WHERE id = $1', [brand.id, JSON.stringify(stages)]);
      const res = await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      const stagesOf = Object.fromEntries(res.body.created.map((r: RuleBody) => [r.name, r.stages]));
      expect(stagesOf).toEqual({
        'Share points': ['awareness', 'retention'],
        'Exclusive content': [],
        Feedback: [],
        'First purchase bonus': [],
        'Points per currency unit': ['retention'],
        'Repeat purchase multiplier': ['retention'],
        'Win-back': [],
        'Referral bonus': [],
        'Welcome gift for referred friends': [],
      });
      // and the brand's rules now validate against its own stages
      await t
        .http()
        .post('/v1/rules')
        .set(brand.auth)
        .send({ ...shareRule(), stages: ['conversion'] })
        .expect(400);
      await t
        .http()
        .post('/v1/rules')
        .set(brand.auth)
        .send({ ...shareRule(), stages: ['support'] })
        .expect(201);
    });
  });

  describe('RuleSetCache', () => {
    const cacheBrand = async (brand: TestBrand, timezone = 'UTC') => ({
      id: brand.id,
      rulesVersion: await rulesVersion(brand),
      settings: { timezone },
    });

    it("compiles a brand's active rules once per rules version", async () => {
      const cache = t.app.get(RuleSetCache);
      const brand = await createBrand(t);
      await t.http().post('/v1/rules/templates/loyalty-loop').set(brand.auth).expect(201);
      const budgeted = await createRule(brand, purchasePoints());
      await createRule(brand, shareRule('Paused share', 'paused'));

      const first = await cache.get(await cacheBrand(brand), db.manager);
      const second = await cache.get(await cacheBrand(brand), db.manager);
      expect(second).toBe(first);
      expect(first.rulesVersion).toBe(await rulesVersion(brand));
      expect(first.ruleSet.size).toBe(10);
      expect(first.rules.map((r) => r.definition.name)).not.toContain('Paused share');
      expect(first.budgets).toEqual(new Map([[budgeted.id, 1_000_000]]));
      expect([...first.limitedEvents].sort()).toEqual(['content', 'feedback', 'purchase', 'share']);

      // the compiled template pays a referred friend's first purchase
      const evaluation = first.ruleSet.evaluate({
        event: { type: 'purchase', occurredAt: new Date('2026-03-02T10:00:00Z'), attributes: { amount: '59.90' } },
        member: {
          stage: 'conversion',
          tier: null,
          enrolledAt: new Date('2026-03-01T00:00:00Z'),
          purchaseCount: 1,
          referralCount: 0,
          lifetimePoints: 0,
          lastPurchaseAt: null,
          source: 'api',
          referred: true,
        },
        stageOrder: ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'],
        tierMultiplier: 1,
        usage: new Map(),
        budgetRemaining: new Map(),
      });
      expect(evaluation.points.map((p) => p.points).sort((a, b) => a - b)).toEqual([59, 100, 250]);

      await t.http().post(`/v1/rules/${budgeted.id}/pause`).set(brand.auth).expect(200);
      const stale = await cache.get({ ...(await cacheBrand(brand)), rulesVersion: first.rulesVersion }, db.manager);
      expect(stale).toBe(first); // a request that read the brand before the write keeps the set it knew
      const fresh = await cache.get(await cacheBrand(brand), db.manager);
      expect(fresh).not.toBe(first);
      expect(fresh.rulesVersion).toBe(first.rulesVersion + 1);
      expect(fresh.ruleSet.size).toBe(9);
      expect(fresh.budgets.size).toBe(0);
      expect(await cache.get(await cacheBrand(brand), db.manager)).toBe(fresh);
    });

    it("recompiles when the brand's time zone changes", async () => {
      const cache = t.app.get(RuleSetCache);
      const brand = await createBrand(t);
      await createRule(brand, shareRule());
      const utc = await cache.get(await cacheBrand(brand), db.manager);
      const tokyo = await cache.get(await cacheBrand(brand, 'Asia/Tokyo'), db.manager);
      expect(tokyo).not.toBe(utc);
      expect(tokyo.ruleSet.timeZone).toBe('Asia/Tokyo');
      expect(await cache.get(await cacheBrand(brand, 'Asia/Tokyo'), db.manager)).toBe(tokyo);
    });

    it('shares one load between concurrent first requests', async () => {
      const cache = t.app.get(RuleSetCache);
      const brand = await createBrand(t);
      await createRule(brand, shareRule());
      const input = await cacheBrand(brand);
      const [a, b, c] = await Promise.all([
        cache.get(input, db.manager),
        cache.get(input, db.manager),
        cache.get(input, db.manager),
      ]);
      expect(b).toBe(a);
      expect(c).toBe(a);
      expect(a.ruleSet.size).toBe(1);
    });

    it('gives a brand without rules an empty set', async () => {
      const brand = await createBrand(t);
      const set = await t.app.get(RuleSetCache).get(await cacheBrand(brand), db.manager);
      expect(set).toMatchObject({ rulesVersion: 0, rules: [] });
      expect(set.ruleSet.size).toBe(0);
    });
  });

  describe('OpenAPI', () => {
    it('documents every rules endpoint with its body schema', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/v1/rules',
          '/v1/rules/{id}',
          '/v1/rules/{id}/versions',
          '/v1/rules/{id}/versions/{version}',
          '/v1/rules/{id}/pause',
          '/v1/rules/{id}/activate',
          '/v1/rules/{id}/archive',
          '/v1/rules/templates/loyalty-loop',
        ]),
      );
      expect(doc.paths['/v1/rules'].post.requestBody.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/RuleDefinitionDto',
      });
      expect(doc.paths['/v1/rules'].post.tags).toEqual(['rules']);
      expect(doc.components.schemas.RuleDefinitionDto.properties).toHaveProperty('conditions');
    });
  });
});
