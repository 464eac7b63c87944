import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Wallet } from 'ethers';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import {
  createBrand,
  createMember,
  createReward,
  createRule,
  setSettings,
  type TestBrand,
  type TestMember,
} from '../support/factories.js';
import { replayable, replayLine } from '../support/fast-check.js';
import { ADMIN_TOKEN, type TestApp } from '../support/test-app.js';
import { balanceFaults, changedTables, databaseFingerprint, doubleAwards, type Query } from './support/db-checks.js';
import {
  applyMutations,
  Deep,
  encode,
  Long,
  type Mutation,
  mutationArb,
  NASTY_STRINGS,
  pathologicalCondition,
  pathsOf,
  summarise,
  VALID_LEAF,
} from './support/hostile.js';
import { allowTokenRules } from '../support/chain.js';
import { startListeningApp } from './support/listening-app.js';
import { contractViolation, rawRequest } from './support/http.js';

/**
 * Hostile input (DESIGN §5: "never a 500 for anything a client sent"): every POST, PUT and PATCH
 * endpoint gets property-based hostile bodies, then a systematic sweep of every field, raw
 * malformed payloads, bad path and query parameters. For every request: no 5xx, an answer
 * (within HANG_MS, a bound for a hung request, not a speed check: no test here times the
 * service), the error shape on 4xx, an answer the OpenAPI document declares (status and schema,
 * as for `t.http()`), and a 4xx writes nothing at all (the whole database is fingerprinted after
 * each request). Afterwards every balance still equals its ledger.
 */
const HANG_MS = 30_000;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 25);

interface Fixture {
  brand: TestBrand;
  member: TestMember;
  /** the member's token (the member API) */
  memberAuth: Record<string, string>;
  ruleId: string;
  /** a perk of 1 point, redeemable by the member */
  rewardId: string;
  /** from the endpoint's own setup */
  couponId?: string;
  redemptionId?: string;
  link?: { message: string; signature: string };
}

interface Endpoint {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path(f: Fixture): string;
  auth(f: Fixture): Record<string, string>;
  valid(f: Fixture): unknown;
  /** what the endpoint needs beyond the common fixture (a coupon, a redemption, a wallet challenge) */
  setup?(t: TestApp, f: Fixture): Promise<Partial<Fixture>>;
  /** false: the route reads no body (a body is ignored), so a 2xx is fine for any parseable body */
  takesBody: boolean;
  special?: fc.Arbitrary<Mutation>;
  /** the fields the systematic sweep visits (default: all) */
  sweep?: (path: Array<string | number>) => boolean;
}

/**
 * The property of every body fuzz: a valid body, mutated and encoded, is sent by `send`, which
 * answers the broken promise (a 5xx, a hang, a 4xx that wrote something) or null.
 */
async function checkHostileBodies(
  valid: () => unknown,
  send: (text: string, label: string) => Promise<string | null>,
  special?: fc.Arbitrary<Mutation>,
): Promise<void> {
  const out = await fc.check(
    fc.asyncProperty(mutationArb(special), async (mutations) => {
      const log: string[] = [];
      const text = encode(applyMutations(valid(), mutations, log));
      const violation = await send(text, `[${log.join('; ')}] (${text.length} chars)`);
      if (violation) {
        throw new Error(violation);
      }
    }),
    replayable({ numRuns: RUNS, endOnFailure: true }),
  );
  if (out.failed) {
    throw new Error(`${(out.errorInstance as Error)?.message ?? out.errorInstance}\n${replayLine(out)}`);
  }
}

let seq = 0;
const next = () => `${Date.now().toString(36)}-${++seq}`;
const recent = () => new Date(Date.now() - 60_000).toISOString();

const DESIGN_RULE = () => ({
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

const STAGES = [
  { key: 'awareness', name: 'Awareness' },
  { key: 'consideration', name: 'Consideration' },
  { key: 'conversion', name: 'Conversion' },
  { key: 'retention', name: 'Retention' },
  { key: 'loyalty', name: 'Loyalty' },
];

const purchase = (f: Fixture) => ({
  idempotencyKey: `fuzz-${next()}`,
  type: 'purchase',
  member: { externalId: f.member.externalId },
  occurredAt: recent(),
  attributes: { amount: '59.90', currency: 'EUR', orderId: 'o-1', channel: 'web' },
});

const conditionMutation: fc.Arbitrary<Mutation> = pathologicalCondition.map((value) => ({
  op: 'field' as const,
  path: ['conditions'],
  value,
}));
const brandAuth = (f: Fixture) => f.brand.auth;
const memberAuth = (f: Fixture) => f.memberAuth;

const TIERS = () => ({
  windowDays: 365,
  tiers: [
    { key: 'silver', name: 'Silver', threshold: 0, multiplier: 1 },
    { key: 'gold', name: 'Gold', threshold: 2000, multiplier: 1.5 },
  ],
});
// ladders that are JSON but no ladder: `{"tiers":[[]]}` was once stored as a tier
const tierMutation: fc.Arbitrary<Mutation> = fc
  .constantFrom<unknown>(
    [[]],
    [null],
    [{}],
    [[{ key: 'gold', name: 'Gold', threshold: 0, multiplier: 1 }]],
    [TIERS().tiers[1], TIERS().tiers[0]],
    [TIERS().tiers[0], TIERS().tiers[0]],
    Array.from({ length: 11 }, (_, i) => ({ key: `t${i}`, name: `T${i}`, threshold: i, multiplier: 1 })),
    { 0: TIERS().tiers[0] },
  )
  .map((value) => ({ op: 'field' as const, path: ['tiers'], value }));

const REWARD_TERMS = () => ({
  description: 'A coffee on the house',
  costPoints: 5,
  stock: 100,
  perMemberLimit: 3,
  stages: ['conversion', 'retention'],
  tiers: [],
  perkText: 'Show this at the counter',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: null,
  tokenGate: null,
  active: true,
});
const redeem = (f: Fixture) => ({ rewardId: f.rewardId, idempotencyKey: `fuzz-${next()}` });

/**
 * The brand's chain on (the test helper's node is unreachable, but the wallet routes never ask it)
 * and a siweDomain: wallets can be linked. Answers a challenge signed by a fresh wallet.
 */
async function walletBrand(t: TestApp, f: Fixture): Promise<Partial<Fixture>> {
  const wallet = Wallet.createRandom();
  await allowTokenRules(t, f.brand.id);
  await setSettings(t, f.brand, { siweDomain: 'shop.example.com' });
  const body = { address: wallet.address };
  const { message } = (await t.http().post('/v1/me/wallet/challenge').set(f.memberAuth).send(body).expect(201)).body;
  return { link: { message, signature: await wallet.signMessage(message) } };
}

/** An entry of the table below: the method is the name's first word; it reads a body unless told. */
const endpoint = (
  name: string,
  path: Endpoint['path'],
  auth: Endpoint['auth'],
  valid: Endpoint['valid'],
  more: Partial<Endpoint> = {},
): Endpoint => ({
  name,
  method: name.split(' ')[0] as Endpoint['method'],
  path,
  auth,
  valid,
  takesBody: true,
  ...more,
});
/** A route that reads no body: its fuzzing checks that any body sent along is harmless. */
const bodiless = (name: string, path: Endpoint['path'], auth: Endpoint['auth'], setup?: Endpoint['setup']) =>
  endpoint(name, path, auth, () => ({}), { takesBody: false, setup });

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /v1/admin/brands',
    method: 'POST',
    path: () => '/v1/admin/brands',
    auth: () => ({ Authorization: `Bearer ${ADMIN_TOKEN}` }),
    valid: () => ({ name: 'Fuzz brand' }),
    takesBody: true,
  },
  {
    name: 'PATCH /v1/brand',
    method: 'PATCH',
    path: () => '/v1/brand',
    auth: brandAuth,
    takesBody: true,
    valid: () => ({
      name: 'Fuzzed',
      settings: {
        timezone: 'Europe/Amsterdam',
        currency: 'EUR',
        autoEnroll: false,
        referralLandingUrl: 'https://shop.example.com/r',
        referral: { qualifyingEvent: 'purchase', minAmount: '20.00', withinDays: 30, maxReferralsPerMonth: 5 },
        pendingDays: 0,
        expiryMonths: 12,
        inactiveDays: 90,
        transitions: { firstPurchase: true, secondPurchase: true, referralMade: true },
      },
    }),
  },
  {
    name: 'POST /v1/brand/keys',
    method: 'POST',
    path: () => '/v1/brand/keys',
    auth: brandAuth,
    valid: () => ({ name: 'fuzz key' }),
    takesBody: true,
  },
  {
    name: 'PUT /v1/brand/stages',
    method: 'PUT',
    path: () => '/v1/brand/stages',
    auth: brandAuth,
    valid: () => ({ stages: STAGES, mapping: {} }),
    takesBody: true,
  },
  {
    name: 'PUT /v1/members/{externalId}',
    method: 'PUT',
    path: () => `/v1/members/fuzz-${next()}`,
    auth: brandAuth,
    takesBody: true,
    valid: () => ({
      email: `fuzz-${next()}@example.com`,
      stage: 'awareness',
      walletAddress: `0x${'ab'.repeat(20)}`,
      source: 'campaign:spring',
    }),
  },
  {
    name: 'POST /v1/members/{id}/token',
    method: 'POST',
    path: (f) => `/v1/members/${f.member.id}/token`,
    auth: brandAuth,
    valid: () => ({}),
    takesBody: false,
  },
  {
    name: 'POST /v1/members/{id}/adjustments',
    method: 'POST',
    path: (f) => `/v1/members/${f.member.id}/adjustments`,
    auth: brandAuth,
    valid: () => ({ points: 5, reason: 'fuzz' }),
    takesBody: true,
  },
  {
    name: 'POST /v1/rules',
    method: 'POST',
    path: () => '/v1/rules',
    auth: brandAuth,
    valid: DESIGN_RULE,
    takesBody: true,
    special: conditionMutation,
  },
  {
    name: 'PUT /v1/rules/{id}',
    method: 'PUT',
    path: (f) => `/v1/rules/${f.ruleId}`,
    auth: brandAuth,
    valid: DESIGN_RULE,
    takesBody: true,
    special: conditionMutation,
  },
  {
    name: 'POST /v1/rules/simulate',
    method: 'POST',
    path: () => '/v1/rules/simulate',
    auth: brandAuth,
    takesBody: true,
    valid: (f) => ({
      event: {
        type: 'purchase',
        occurredAt: recent(),
        attributes: { amount: '59.90', currency: 'EUR', channel: 'web' },
      },
      member: { externalId: f.member.externalId },
      hypotheticalMember: {
        stage: 'conversion',
        tier: 'gold',
        purchaseCount: 1,
        referralCount: 0,
        lifetimePoints: 10,
        enrolledAt: '2026-01-01T00:00:00Z',
        lastPurchaseAt: '2026-10-01T00:00:00Z',
        source: 'api',
        referred: true,
      },
    }),
  },
  {
    name: 'POST /v1/rules/{id}/pause',
    method: 'POST',
    path: (f) => `/v1/rules/${f.ruleId}/pause`,
    auth: brandAuth,
    valid: () => ({}),
    takesBody: false,
  },
  {
    name: 'POST /v1/events',
    method: 'POST',
    path: () => '/v1/events',
    auth: brandAuth,
    valid: purchase,
    takesBody: true,
  },
  {
    name: 'POST /v1/events/batch',
    method: 'POST',
    path: () => '/v1/events/batch',
    auth: brandAuth,
    takesBody: true,
    // every field of the first event, and the other events whole (they go through the same checks)
    sweep: (path) => path.length <= 2 || path[1] === 0,
    valid: (f) => ({
      events: [
        purchase(f),
        {
          idempotencyKey: `fuzz-${next()}`,
          type: 'share',
          member: { id: f.member.id },
          attributes: { channel: 'whatsapp', url: 'https://x.test/p' },
        },
        {
          idempotencyKey: `fuzz-${next()}`,
          type: 'feedback',
          member: { externalId: f.member.externalId },
          attributes: { rating: 5, touchpoint: 'checkout' },
        },
      ],
    }),
  },
  endpoint('PUT /v1/brand/tiers', () => '/v1/brand/tiers', brandAuth, TIERS, { special: tierMutation }),
  endpoint(
    'POST /v1/rewards',
    () => '/v1/rewards',
    brandAuth,
    () => ({
      name: 'Fuzz perk',
      kind: 'perk',
      ...REWARD_TERMS(),
    }),
  ),
  endpoint(
    'PATCH /v1/rewards/{id}',
    (f) => `/v1/rewards/${f.rewardId}`,
    brandAuth,
    () => ({
      name: 'Fuzzed perk',
      ...REWARD_TERMS(),
    }),
  ),
  endpoint(
    'POST /v1/rewards/{id}/codes',
    (f) => `/v1/rewards/${f.couponId}/codes`,
    brandAuth,
    () => ({ codes: [`FUZZ-${next()}`, `FUZZ-${next()}`] }),
    {
      setup: async (t, f) => ({
        couponId: (await createReward(t, f.brand, { name: 'Fuzz coupon', kind: 'coupon', costPoints: 1 })).body.id,
      }),
    },
  ),
  endpoint('POST /v1/members/{id}/redemptions', (f) => `/v1/members/${f.member.id}/redemptions`, brandAuth, redeem),
  bodiless(
    'POST /v1/redemptions/{id}/cancel',
    (f) => `/v1/redemptions/${f.redemptionId}/cancel`,
    brandAuth,
    async (t, f) => ({
      redemptionId: (await t.http().post('/v1/me/redemptions').set(f.memberAuth).send(redeem(f)).expect(201)).body.id,
    }),
  ),
  endpoint('POST /v1/me/redemptions', () => '/v1/me/redemptions', memberAuth, redeem),
  bodiless('POST /v1/rules/templates/loyalty-loop', () => '/v1/rules/templates/loyalty-loop', brandAuth),
  endpoint(
    'POST /v1/me/wallet/challenge',
    () => '/v1/me/wallet/challenge',
    memberAuth,
    () => ({ address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }),
    { setup: walletBrand },
  ),
  // the first valid body links the wallet; the nonce is then used, and later ones are a 400
  endpoint(
    'POST /v1/me/wallet',
    () => '/v1/me/wallet',
    memberAuth,
    (f) => ({ ...f.link }),
    { setup: walletBrand },
  ),
  bodiless(
    'DELETE /v1/me/wallet',
    () => '/v1/me/wallet',
    memberAuth,
    async (t, f) => {
      const { link } = await walletBrand(t, f);
      await t.http().post('/v1/me/wallet').set(f.memberAuth).send(link).expect(201);
      return {};
    },
  ),
];

describe('reliability: hostile input (e2e)', () => {
  let t: TestApp;
  let base: string;
  let query: Query;
  const fixtures = new Map<string, Fixture>();
  let last: Record<string, string> = {};

  beforeAll(async () => {
    ({ t, base, query } = await startListeningApp());
    // each endpoint gets a brand of its own, so that what one endpoint's fuzzing changes
    // (stages, settings, paused rules) does not make another's valid bodies invalid
    for (const ep of ENDPOINTS) {
      const brand = await createBrand(t, `Hostile ${ep.name}`);
      await allowTokenRules(t, brand.id); // the DESIGN rule pays a token too
      const member = await createMember(t, brand, { email: `${next()}@example.com` });
      const rule = await createRule(t, brand, DESIGN_RULE());
      await t
        .http()
        .post(`/v1/members/${member.id}/adjustments`)
        .set(brand.auth)
        .send({ points: 500, reason: 'seed' })
        .expect(201);
      const token = (await t.http().post(`/v1/members/${member.id}/token`).set(brand.auth).expect(201)).body.token;
      const reward = await createReward(t, brand, { name: 'Fixture perk', kind: 'perk', costPoints: 1, perkText: 'x' });
      const f: Fixture = {
        brand,
        member,
        memberAuth: { Authorization: `Bearer ${token}` },
        ruleId: rule.id,
        rewardId: reward.body.id,
      };
      fixtures.set(ep.name, { ...f, ...(await ep.setup?.(t, f)) });
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  }, 30_000);

  const fixture = (ep: Endpoint) => fixtures.get(ep.name)!;
  const refresh = async () => {
    last = await databaseFingerprint(query);
  };

  /**
   * Sends one request and checks it: no 5xx, an answer within HANG_MS, a 4xx where `expect4xx`
   * says so, the error shape on 4xx, and nothing at all written by a 4xx (the database's
   * fingerprint is taken after every request). Answers the violation, or null.
   */
  async function probe(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    label: string,
    opts: { expect4xx?: boolean } = {},
  ) {
    let res;
    try {
      res = await rawRequest(base, method, path, headers, body, HANG_MS);
    } catch (e) {
      await refresh();
      return `${label}: no answer (${(e as Error).message})`;
    }
    const now = await databaseFingerprint(query);
    const changed = changedTables(last, now);
    last = now;
    const what = `${label} → ${res.status} in ${res.ms} ms: ${summarise(res.text, 200)}`;
    if (res.status >= 500) {
      return what;
    }
    const broken = contractViolation(t.contract, method, path, res);
    if (broken) {
      return `${label}: ${broken}`;
    }
    if (opts.expect4xx && !(res.status >= 400 && res.status < 500)) {
      return `${what} (expected a 4xx)`;
    }
    if (res.status >= 400) {
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = JSON.parse(res.text);
      } catch {
        // reported below
      }
      if (
        !parsed ||
        parsed.statusCode !== res.status ||
        typeof parsed.error !== 'string' ||
        typeof parsed.message !== 'string'
      ) {
        return `${what} (not the error shape)`;
      }
      if (changed.length) {
        return `${what} (a ${res.status} changed ${changed.join(', ')})`;
      }
    }
    return null;
  }

  const send = (ep: Endpoint, f: Fixture, text: string, label: string, opts?: { expect4xx?: boolean }) =>
    probe(
      ep.method,
      ep.path(f),
      { ...ep.auth(f), 'content-type': 'application/json' },
      text,
      `${ep.name} ${label}`,
      opts,
    );

  describe('property-based bodies', () => {
    it.each(ENDPOINTS)(
      '$name: hostile bodies never 500, never hang, and a 4xx writes nothing',
      async (ep) => {
        const f = fixture(ep);
        await refresh();
        await checkHostileBodies(
          () => ep.valid(f),
          (text, label) => send(ep, f, text, label),
          ep.special,
        );
      },
      120_000,
    );
  });

  describe('every field, systematically', () => {
    const everyField: unknown[] = [null, true, '', {}, [], 'a\u0000b', '\ud800', 1e308, new Deep(5_000, 'object')];
    const stringFields: unknown[] = ['😀'.repeat(60), 'x'.repeat(2_001)];

    it.each(ENDPOINTS)(
      '$name: wrong types, huge numbers, unicode, deep nesting, megabyte strings, missing and extra fields',
      async (ep) => {
        const f = fixture(ep);
        await refresh();
        const violations: string[] = [];
        const base = ep.valid(f);
        let megabyteSent = false;
        for (const path of pathsOf(base).filter((p) => ep.sweep?.(p) ?? true)) {
          const original = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], base);
          const values = typeof original === 'string' ? [...everyField, ...stringFields] : [...everyField];
          // a megabyte string (just inside the 1 MB body limit) in the first string field
          if (typeof original === 'string' && !megabyteSent) {
            values.push(new Long(1_000_000 - 8_192));
            megabyteSent = true;
          }
          for (const value of values) {
            const text = encode(applyMutations(ep.valid(f), [{ op: 'field', path, value }]));
            const v = await send(ep, f, text, `${path.join('.')} = ${summarise(encode(value), 40)}`);
            if (v) {
              violations.push(v);
            }
          }
          const missing = structuredClone(ep.valid(f)) as Record<string | number, unknown>;
          const parent = path
            .slice(0, -1)
            .reduce<Record<string | number, unknown>>((v, k) => v[k] as Record<string | number, unknown>, missing);
          if (Array.isArray(parent)) {
            parent.splice(path[path.length - 1] as number, 1);
          } else {
            delete parent[path[path.length - 1]];
          }
          const v = await send(ep, f, encode(missing), `without ${path.join('.')}`);
          if (v) {
            violations.push(v);
          }
        }
        for (const extra of [
          { extra: 1 },
          { constructor: { prototype: { admin: true } } },
          { ['x'.repeat(10_000)]: 1 },
          { ['\u0000']: '\u0000' },
        ]) {
          const body = ep.valid(f) as Record<string, unknown>;
          const v = await send(
            ep,
            f,
            encode({ ...body, ...extra }),
            `with extra ${summarise(Object.keys(extra)[0], 20)}`,
            { expect4xx: ep.takesBody },
          );
          if (v) {
            violations.push(v);
          }
        }
        expect(violations).toEqual([]);
      },
      120_000,
    );
  });

  describe('pathological rules', () => {
    const condition = (c: unknown) => encode({ ...DESIGN_RULE(), conditions: c });
    const leaf = JSON.parse(VALID_LEAF);
    const cases: Array<[string, unknown]> = [
      ['a `not` chain 100,000 deep', new Deep(100_000, 'not', VALID_LEAF)],
      ['an `all` chain 50,000 deep', new Deep(50_000, 'all', VALID_LEAF)],
      ['an `any` chain 11 deep', new Deep(11, 'any', VALID_LEAF)],
      [
        'an `in` list of 10,001 values',
        { fact: 'event.channel', op: 'in', value: Array.from({ length: 10_001 }, (_, i) => `c${i}`) },
      ],
      [
        'an `in` list of 100,000 numbers',
        { fact: 'event.amount', op: 'nin', value: Array.from({ length: 100_000 }, (_, i) => i) },
      ],
      [
        'an `in` list of 900 strings of 1,001 characters',
        { fact: 'event.channel', op: 'in', value: Array.from({ length: 900 }, () => 'x'.repeat(1_001)) },
      ],
      ['20,000 leaves', { all: Array.from({ length: 20_000 }, () => leaf) }],
      [
        '5,000 invalid leaves',
        { any: Array.from({ length: 5_000 }, () => ({ fact: 'member.shoeSize', op: 'matches', value: {} })) },
      ],
      ['30,000 empty groups', { any: [leaf, ...Array.from({ length: 30_000 }, () => ({ all: [] }))] }],
      ['a wide tree of deep branches', { any: Array.from({ length: 500 }, () => new Deep(9, 'all', VALID_LEAF)) }],
      [
        'between with huge and inverted bounds',
        {
          all: [
            { fact: 'event.amount', op: 'between', value: [1e308, -1e308] },
            { fact: 'event.amount', op: 'between', value: [5e-324, 2 ** 53 + 2] },
          ],
        },
      ],
    ];

    it.each(cases)(
      'POST and PUT of a rule with %s: a quick 4xx (or a rule), never a 500',
      async (_, c) => {
        const f = fixture(ENDPOINTS.find((e) => e.name === 'POST /v1/rules')!);
        await refresh();
        const violations: string[] = [];
        for (const ep of ENDPOINTS.filter((e) => e.name === 'POST /v1/rules' || e.name === 'PUT /v1/rules/{id}')) {
          const v = await send(ep, f, condition(c), 'pathological conditions');
          if (v) {
            violations.push(v);
          }
        }
        expect(violations).toEqual([]);
      },
      30_000,
    );

    it('rules at every size limit are taken, and events and simulations that evaluate them in full are answered', async () => {
      const brand = await createBrand(t, 'Heavy rules');
      await allowTokenRules(t, brand.id);
      const member = await createMember(t, brand);
      const chain = (depth: number): unknown => (depth === 1 ? leaf : { all: [chain(depth - 1)] });
      const channels = Array.from({ length: 10_000 }, (_, i) => `${'c'.repeat(40)}${i}`);
      // an event with amount 0.50 and an unknown channel walks every leaf of every rule and fires none
      const heavy = [
        {
          ...DESIGN_RULE(),
          stages: [],
          conditions: { any: [{ fact: 'event.channel', op: 'in', value: channels }, leaf] },
          limits: null,
        },
        {
          ...DESIGN_RULE(),
          stages: [],
          conditions: {
            any: Array.from({ length: 200 }, (_, i) => ({ fact: 'event.amount', op: 'gte', value: i + 1 })),
          },
          limits: null,
        },
        { ...DESIGN_RULE(), stages: [], conditions: chain(10), limits: null },
        {
          ...DESIGN_RULE(),
          stages: [],
          conditions: { all: [...Array.from({ length: 998 }, () => ({ all: [] })), leaf] },
          limits: null,
        },
      ];
      await refresh();
      const violations: string[] = [];
      for (const rule of heavy) {
        const text = JSON.stringify(rule);
        const res = await rawRequest(
          base,
          'POST',
          '/v1/rules',
          { ...brand.auth, 'content-type': 'application/json' },
          text,
        );
        if (res.status !== 201) {
          violations.push(`heavy rule (${text.length} chars) → ${res.status} in ${res.ms} ms: ${summarise(res.text)}`);
        }
      }
      await refresh();
      const json = { ...brand.auth, 'content-type': 'application/json' };
      const purchase = (amount: string, channel: string) => ({
        idempotencyKey: `heavy-${next()}`,
        type: 'purchase',
        member: { id: member.id },
        attributes: { amount, channel },
      });
      for (const [amount, channel] of [
        ['0.50', 'nope'],
        ['25.00', `${'c'.repeat(40)}9999`],
        ['0.50', 'nope'],
      ]) {
        const v = await probe(
          'POST',
          '/v1/events',
          json,
          JSON.stringify(purchase(amount, channel)),
          `event (amount ${amount}) against heavy rules`,
        );
        if (v) {
          violations.push(v);
        }
        const sim = await probe(
          'POST',
          '/v1/rules/simulate',
          json,
          JSON.stringify({ event: { type: 'purchase', attributes: { amount, channel } } }),
          `simulation (amount ${amount}) against heavy rules`,
        );
        if (sim) {
          violations.push(sim);
        }
      }
      const batch = { events: Array.from({ length: 200 }, () => purchase('0.50', 'nope')) };
      const v = await probe(
        'POST',
        '/v1/events/batch',
        json,
        JSON.stringify(batch),
        '200 events evaluating every heavy rule in full',
      );
      if (v) {
        violations.push(v);
      }
      expect(violations).toEqual([]);
    }, 60_000);
  });

  describe('raw malformed bodies', () => {
    const invalidUtf8 = Buffer.from([
      0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d,
    ]);
    /**
     * refuse: a 4xx on every route (the body cannot even be parsed); refuse-if-body: a 4xx where the
     * route reads a body; any: parsing leniency is the server's choice (BOM, bad UTF-8, forms), but
     * never a 5xx.
     */
    type Expectation = 'refuse' | 'refuse-if-body' | 'any';
    const payloads: Array<[string, string | Buffer | undefined, string | null, Expectation]> = [
      ['invalid JSON', '{"name": ', 'application/json', 'refuse'],
      ['trailing garbage', '{"name":"x"} x', 'application/json', 'refuse'],
      [
        'a raw NUL byte (a control character inside a JSON string)',
        '{"name":"a\u0000b"}',
        'application/json',
        'refuse',
      ],
      ['an empty body with a JSON content type', '', 'application/json', 'refuse'],
      ['a __proto__ key', '{"__proto__":{"admin":true},"name":"x"}', 'application/json', 'refuse'],
      ['an empty body without a content type', undefined, null, 'refuse-if-body'],
      ['JSON null', 'null', 'application/json', 'refuse-if-body'],
      ['a JSON array', '[]', 'application/json', 'refuse-if-body'],
      ['a JSON array of objects', '[{"name":"x"}]', 'application/json', 'refuse-if-body'],
      ['a JSON number', '42', 'application/json', 'refuse-if-body'],
      ['a JSON string', '"x"', 'application/json', 'refuse-if-body'],
      ['JSON true', 'true', 'application/json', 'refuse-if-body'],
      [
        'a constructor.prototype key',
        '{"constructor":{"prototype":{"admin":true}}}',
        'application/json',
        'refuse-if-body',
      ],
      ['duplicate keys', '{"name":"a","name":"b","name":{}}', 'application/json', 'refuse-if-body'],
      ['text/plain', 'hello', 'text/plain', 'refuse-if-body'],
      ['XML', '<name>x</name>', 'application/xml', 'refuse-if-body'],
      ['invalid UTF-8', invalidUtf8, 'application/json', 'any'],
      ['a byte-order mark', '\ufeff{"name":"x"}', 'application/json', 'any'],
      ['UTF-16 JSON', Buffer.from('{"name":"x"}', 'utf16le'), 'application/json; charset=utf-16', 'any'],
      ['JSON as text/plain', '{"name":"x"}', 'text/plain', 'any'],
      ['a form', 'name=%00&name=x&settings[a]=1', 'application/x-www-form-urlencoded', 'any'],
      [
        'multipart',
        '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n',
        'multipart/form-data; boundary=b',
        'any',
      ],
      ['a content type with no type', '{"name":"x"}', ';;;', 'any'],
    ];

    it.each(ENDPOINTS)(
      '$name: every malformed payload is a 4xx (or ignored), never a 500, and writes nothing when refused',
      async (ep) => {
        const f = fixture(ep);
        await refresh();
        const violations: string[] = [];
        for (const [label, body, type, expectation] of payloads) {
          const headers: Record<string, string> = { ...ep.auth(f) };
          if (type !== null) {
            headers['content-type'] = type;
          }
          const expect4xx = expectation === 'refuse' || (expectation === 'refuse-if-body' && ep.takesBody);
          const v = await probe(ep.method, ep.path(f), headers, body, `${ep.name} with ${label}`, { expect4xx });
          if (v) {
            violations.push(v);
          }
        }
        expect(violations).toEqual([]);
      },
      60_000,
    );

    it('a storm of invalid bodies at once changes no row anywhere', async () => {
      const bodies = ENDPOINTS.filter((ep) => ep.takesBody).flatMap((ep) =>
        Array.from({ length: 15 }, (_, i) => ({
          ep,
          text: encode({
            ...(ep.valid(fixture(ep)) as object),
            [`unknown_${i}`]: NASTY_STRINGS[i % NASTY_STRINGS.length],
          }),
        })),
      );
      const before = await databaseFingerprint(query);
      const answers = await Promise.all(
        bodies.map(({ ep, text }) =>
          rawRequest(
            base,
            ep.method,
            ep.path(fixture(ep)),
            { ...ep.auth(fixture(ep)), 'content-type': 'application/json' },
            text,
          ),
        ),
      );
      expect(answers.filter((a) => a.status !== 400).map((a) => `${a.status} ${summarise(a.text, 120)}`)).toEqual([]);
      expect(changedTables(before, await databaseFingerprint(query))).toEqual([]);
    }, 60_000);
  });

  describe('bad path and query parameters', () => {
    const ids = [
      'not-a-uuid',
      'a'.repeat(10_000),
      '1'.repeat(201),
      encodeURIComponent('é😀'),
      '%ED%A0%80',
      '%00',
      'a%00b',
      '%0A',
      '%20',
      '%ZZ',
      '%2e%2e%2f%2e%2e',
      '..',
      encodeURIComponent("'; DROP TABLE members; --"),
      '00000000-0000-0000-0000-000000000000',
      'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
      '-'.repeat(36),
      '01a2b3c4-d5e6-7f80-9a0b-c1d2e3f4a5b6%0A',
      encodeURIComponent('\u202e'),
      encodeURIComponent('İ'),
    ];
    const routes = (f: Fixture, id: string): Array<[string, string, string | undefined]> => [
      ['GET', `/v1/members/${id}`, undefined],
      ['PUT', `/v1/members/${id}`, '{}'],
      ['GET', `/v1/members/${id}/ledger`, undefined],
      ['GET', `/v1/members/${id}/stages`, undefined],
      ['POST', `/v1/members/${id}/token`, '{}'],
      ['POST', `/v1/members/${id}/adjustments`, '{"points":5,"reason":"x"}'],
      ['GET', `/v1/rules/${id}`, undefined],
      ['PUT', `/v1/rules/${id}`, JSON.stringify(DESIGN_RULE())],
      ['POST', `/v1/rules/${id}/pause`, undefined],
      ['POST', `/v1/rules/${id}/activate`, undefined],
      ['POST', `/v1/rules/${id}/archive`, undefined],
      ['GET', `/v1/rules/${id}/versions`, undefined],
      ['GET', `/v1/rules/${f.ruleId}/versions/${id}`, undefined],
      ['GET', `/v1/rules/${id}/versions/1`, undefined],
      ['DELETE', `/v1/brand/keys/${id}`, undefined],
      ['GET', `/v1/rewards/${id}`, undefined],
      ['PATCH', `/v1/rewards/${id}`, '{"name":"x"}'],
      ['DELETE', `/v1/rewards/${id}`, undefined],
      ['POST', `/v1/rewards/${id}/codes`, '{"codes":["A"]}'],
      ['GET', `/v1/redemptions/${id}`, undefined],
      ['POST', `/v1/redemptions/${id}/cancel`, undefined],
      ['POST', `/v1/members/${id}/redemptions`, JSON.stringify(redeem(f))],
    ];

    it('never a 500 or a hang for non-UUIDs, 10 kB ids, unicode, NUL, traversal and SQL in path parameters', async () => {
      const f = fixture(ENDPOINTS[0]);
      await refresh();
      const violations: string[] = [];
      for (const id of [...ids, '-1', '99999999999999999999', '1.5']) {
        for (const [method, path, body] of routes(f, id)) {
          const headers: Record<string, string> = { ...f.brand.auth };
          if (body !== undefined) {
            headers['content-type'] = 'application/json';
          }
          // a member reference may be a brand's own externalId (any printable id, which the PUT
          // creates), so only the UUID-only routes must refuse
          const v = await probe(method, path, headers, body, `${method} ${summarise(path, 80)}`, {
            expect4xx: !path.startsWith('/v1/members/'),
          });
          if (v) {
            violations.push(v);
          }
        }
      }
      expect(violations).toEqual([]);
    }, 60_000);

    it('never a 500 for hostile cursors and limits in list queries', async () => {
      const f = fixture(ENDPOINTS[0]);
      await refresh();
      const values = [
        '-'.repeat(36),
        '9'.repeat(19),
        '9'.repeat(20),
        '-1',
        '1.5',
        '1e309',
        'x'.repeat(101),
        '%00',
        encodeURIComponent('é😀'),
        '00000000-0000-0000-0000-000000000000',
        'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
        "'%20OR%201=1--",
      ];
      const lists = [
        `/v1/members`,
        `/v1/members/${f.member.id}/ledger`,
        `/v1/rules`,
        `/v1/rules/${f.ruleId}/versions`,
        `/v1/brand/keys`,
      ];
      const violations: string[] = [];
      for (const list of lists) {
        for (const value of values) {
          const filters =
            list === '/v1/members'
              ? [`stage=${value}&tier=${value}`]
              : list === '/v1/rules'
                ? [`status=${value}&event=${value}`]
                : [];
          for (const q of [`cursor=${value}`, `limit=${value}`, `cursor=${value}&cursor=${value}`, ...filters]) {
            const v = await probe(
              'GET',
              `${list}?${q}`,
              { ...f.brand.auth },
              undefined,
              `GET ${list}?${summarise(q, 60)}`,
            );
            if (v) {
              violations.push(v);
            }
          }
        }
      }
      // and the member API's list
      const token = (await t.http().post(`/v1/members/${f.member.id}/token`).set(f.brand.auth).expect(201)).body.token;
      await refresh();
      for (const value of values) {
        const v = await probe(
          'GET',
          `/v1/me/ledger?cursor=${value}&limit=${value}`,
          { Authorization: `Bearer ${token}` },
          undefined,
          `GET /v1/me/ledger?cursor=${summarise(value, 40)}`,
        );
        if (v) {
          violations.push(v);
        }
      }
      expect(violations).toEqual([]);
    }, 60_000);
  });

  describe('webhook endpoints (webhooks out)', () => {
    const HOOK_URL = 'https://hooks.example.com/loyalty';
    let hooks: { brand: TestBrand; endpointId: string; deliveryId: string };

    beforeAll(async () => {
      const brand = await createBrand(t, 'Hostile webhooks');
      const created = await t
        .http()
        .post('/v1/webhook-endpoints')
        .set(brand.auth)
        .send({ url: HOOK_URL, events: ['points.earned'] })
        .expect(201);
      hooks = { brand, endpointId: created.body.id, deliveryId: '00000000-0000-7000-8000-000000000000' };
    }, 30_000);

    const bodies: Array<{ name: string; method: 'POST' | 'PATCH'; path: () => string; valid: () => unknown }> = [
      {
        name: 'POST /v1/webhook-endpoints',
        method: 'POST',
        path: () => '/v1/webhook-endpoints',
        valid: () => ({ url: HOOK_URL, events: ['points.earned', 'member.tier_changed'], description: 'CRM' }),
      },
      {
        name: 'PATCH /v1/webhook-endpoints/{id}',
        method: 'PATCH',
        path: () => `/v1/webhook-endpoints/${hooks.endpointId}`,
        valid: () => ({ url: HOOK_URL, events: ['*'], status: 'enabled', description: null }),
      },
    ];
    const hostileUrls = fc.constantFrom(
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'https://[::ffff:127.0.0.1]/',
      'https://10.0.0.1/',
      'https://100.64.0.1/',
      'https://224.0.0.1/',
      'https://0x7f000001/',
      'https://2130706433/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'gopher://hooks.example.com/',
      'https://user:pw@hooks.example.com/',
      'https://',
      `https://${'a'.repeat(2_000)}.example.com/`,
    );
    const special: fc.Arbitrary<Mutation> = fc.oneof(
      hostileUrls.map((value): Mutation => ({ op: 'field', path: ['url'], value })),
      fc
        .constantFrom<unknown>(['points.gifted'], [], ['*', '*'], Array(50).fill('points.earned'), ['__proto__'], '*')
        .map((value): Mutation => ({ op: 'field', path: ['events'], value })),
      fc
        .constantFrom<unknown>('paused', 'ENABLED', '', null, 1)
        .map((value): Mutation => ({ op: 'field', path: ['status'], value })),
    );

    it.each(bodies)(
      '$name: hostile bodies never 500, never hang, and a 4xx writes nothing',
      async (ep) => {
        await refresh();
        await checkHostileBodies(
          () => ep.valid(),
          (text, label) =>
            probe(
              ep.method,
              ep.path(),
              { ...hooks.brand.auth, 'content-type': 'application/json' },
              text,
              `${ep.name} ${label}`,
            ),
          special,
        );
      },
      120_000,
    );

    it('refuses every SSRF target with a 400 naming url, writing nothing', async () => {
      await refresh();
      const violations: string[] = [];
      for (const url of fc.sample(hostileUrls, replayable({ numRuns: 40 }))) {
        const v = await probe(
          'POST',
          '/v1/webhook-endpoints',
          { ...hooks.brand.auth, 'content-type': 'application/json' },
          JSON.stringify({ url, events: ['*'] }),
          `POST /v1/webhook-endpoints url=${summarise(url, 60)}`,
          { expect4xx: true },
        );
        if (v) {
          violations.push(v);
        }
      }
      expect(violations).toEqual([]);
    }, 60_000);

    it('bad ids, cursors, limits and bodies on every other webhook route never 500', async () => {
      await refresh();
      const violations: string[] = [];
      const ids = [
        'not-a-uuid',
        '%00',
        '\u0000',
        '00000000-0000-0000-0000-000000000000',
        "'; DROP TABLE x; --",
        'x'.repeat(150),
      ];
      const routes = (id: string) => [
        ['GET', `/v1/webhook-endpoints/${encodeURIComponent(id)}`],
        ['DELETE', `/v1/webhook-endpoints/${encodeURIComponent(id)}`],
        ['POST', `/v1/webhook-endpoints/${encodeURIComponent(id)}/rotate-secret`],
        ['POST', `/v1/webhook-endpoints/${encodeURIComponent(id)}/test`],
        ['GET', `/v1/webhook-endpoints/${encodeURIComponent(id)}/deliveries`],
        ['POST', `/v1/webhook-deliveries/${encodeURIComponent(id)}/redeliver`],
      ];
      for (const id of ids) {
        for (const [method, path] of routes(id)) {
          const v = await probe(method, path, { ...hooks.brand.auth }, undefined, `${method} ${summarise(path, 80)}`, {
            expect4xx: true,
          });
          if (v) {
            violations.push(v);
          }
        }
      }
      for (const value of [
        '-1',
        '0',
        '201',
        'abc',
        '1e309',
        '%00',
        'x'.repeat(300),
        '00000000-0000-0000-0000-000000000000',
      ]) {
        for (const list of ['/v1/webhook-endpoints', `/v1/webhook-endpoints/${hooks.endpointId}/deliveries`]) {
          for (const q of [`cursor=${value}`, `limit=${value}`, `cursor=${value}&cursor=${value}`]) {
            const v = await probe(
              'GET',
              `${list}?${q}`,
              { ...hooks.brand.auth },
              undefined,
              `GET ${list}?${summarise(q, 60)}`,
            );
            if (v) {
              violations.push(v);
            }
          }
        }
      }
      // Bodies on routes that take none are ignored; a deep or broken one is still never a 500.
      for (const body of ['{', '[]', encode(new Deep(50_000, 'object')), '"x"']) {
        for (const path of [
          `/v1/webhook-endpoints/${hooks.endpointId}/test`,
          `/v1/webhook-deliveries/${hooks.deliveryId}/redeliver`,
        ]) {
          const v = await probe(
            'POST',
            path,
            { ...hooks.brand.auth, 'content-type': 'application/json' },
            body,
            `POST ${path} body ${summarise(body, 40)}`,
          );
          if (v) {
            violations.push(v);
          }
        }
      }
      expect(violations).toEqual([]);
    }, 120_000);
  });

  it('after all of it, no event was applied twice and every balance equals its ledger', async () => {
    expect(await doubleAwards(query)).toEqual([]);
    expect(await balanceFaults(query)).toEqual([]);
  }, 30_000);
});

/**
 * The contract's edges (issue 10): one cursor rule for every list, no body that is not UTF-8,
 * and no content type an operation does not declare. Each case once failed: a 500 on job runs,
 * a silent first page, U+FFFD stored in texts, a brand created from a form.
 */
describe('reliability: hostile input at the contract edges (e2e)', () => {
  let t: TestApp;
  let base: string;
  let query: Query;
  let brand: TestBrand;
  let member: TestMember;
  let ruleId: string;
  let endpointId: string;
  let token: string;
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    ({ t, base, query } = await startListeningApp());
    brand = await createBrand(t, 'Contract edges');
    await allowTokenRules(t, brand.id); // the DESIGN rule pays a token too
    member = await createMember(t, brand);
    ruleId = (await createRule(t, brand, DESIGN_RULE())).id;
    token = (await t.http().post(`/v1/members/${member.id}/token`).set(brand.auth).expect(201)).body.token;
    endpointId = (
      await t
        .http()
        .post('/v1/webhook-endpoints')
        .set(brand.auth)
        .send({ url: 'https://hooks.example.com/loyalty', events: ['points.earned'] })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t?.close());

  const lists = (): Array<[string, Record<string, string>]> => [
    ['/v1/members', brand.auth],
    [`/v1/members/${member.id}/ledger`, brand.auth],
    ['/v1/rules', brand.auth],
    [`/v1/rules/${ruleId}/versions`, brand.auth],
    ['/v1/referrals', brand.auth],
    ['/v1/rewards', brand.auth],
    ['/v1/redemptions', brand.auth],
    ['/v1/me/ledger', { Authorization: `Bearer ${token}` }],
    ['/v1/me/rewards', { Authorization: `Bearer ${token}` }],
    ['/v1/me/redemptions', { Authorization: `Bearer ${token}` }],
    ['/v1/admin/jobs', admin],
    // the lists of the webhooks and token issues follow the same rule
    ['/v1/webhook-endpoints', brand.auth],
    [`/v1/webhook-endpoints/${endpointId}/deliveries`, brand.auth],
    [`/v1/members/${member.id}/mints`, brand.auth],
  ];

  it.each(['garbage', '%FF%FE', '', '-1', '1e309', 'x'.repeat(101), '00000000-0000-0000-0000-00000000000g'])(
    'a bad cursor (%j) on every list is a 400 at `cursor`, never a 500 or a silent first page',
    async (cursor) => {
      const wrong: string[] = [];
      for (const [list, auth] of lists()) {
        const res = await rawRequest(base, 'GET', `${list}?cursor=${cursor}`, auth);
        const body = JSON.parse(res.text);
        const broken = contractViolation(t.contract, 'GET', list, res);
        if (res.status !== 400 || !body.details?.some((d: { path: string }) => d.path === 'cursor') || broken) {
          wrong.push(`GET ${list}?cursor=${cursor} → ${res.status} ${summarise(res.text, 200)} ${broken ?? ''}`);
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  it.each(['0', '201', '-1', '1.5', 'x', '1e3', ''])(
    'a bad limit (%j) on every list is a 400 at `limit`',
    async (limit) => {
      const wrong: string[] = [];
      for (const [list, auth] of lists()) {
        const res = await rawRequest(base, 'GET', `${list}?limit=${limit}`, auth);
        const body = JSON.parse(res.text);
        const broken = contractViolation(t.contract, 'GET', list, res);
        if (res.status !== 400 || !body.details?.some((d: { path: string }) => d.path === 'limit') || broken) {
          wrong.push(`GET ${list}?limit=${limit} → ${res.status} ${summarise(res.text, 200)} ${broken ?? ''}`);
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  const writes = (): Array<[string, string, Record<string, string>, string]> => [
    ['POST', '/v1/admin/brands', admin, '{"name":"x"}'],
    ['PATCH', '/v1/brand', brand.auth, '{"name":"x"}'],
    ['POST', '/v1/rules', brand.auth, JSON.stringify(DESIGN_RULE())],
    ['POST', '/v1/rewards', brand.auth, '{"name":"x","kind":"perk","costPoints":5,"perkText":"y"}'],
    ['POST', `/v1/members/${member.id}/adjustments`, brand.auth, '{"points":5,"reason":"x"}'],
    ['PUT', `/v1/members/utf8-${Date.now()}`, brand.auth, '{"source":"app"}'],
  ];

  it('a body that is not UTF-8 is a 400 at `body` and stores nothing (no U+FFFD in texts)', async () => {
    const wrong: string[] = [];
    for (const [method, path, auth, json] of writes()) {
      // the first string value gets bytes that are no UTF-8: a lone continuation byte, FF FE, a cut sequence
      for (const bad of [[0x80], [0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80]]) {
        const at = json.indexOf('":"') + 3;
        const body = Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from(bad), Buffer.from(json.slice(at))]);
        const before = await databaseFingerprint(query);
        const res = await rawRequest(base, method, path, { ...auth, 'content-type': 'application/json' }, body);
        const changed = changedTables(before, await databaseFingerprint(query));
        const details = res.status === 400 ? JSON.parse(res.text).details : null;
        const broken = contractViolation(t.contract, method, path, res);
        if (res.status !== 400 || details?.[0]?.path !== 'body' || changed.length || broken) {
          wrong.push(
            `${method} ${path} with ${bad} → ${res.status} ${summarise(res.text, 200)} ${changed} ${broken ?? ''}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    const stored = await query(`SELECT count(*)::int AS n FROM brands WHERE name LIKE '%' || chr(65533) || '%'`);
    expect(stored[0].n).toBe(0);
  });

  it('form, text and other undeclared bodies are a 415 and act on nothing (a form once created a brand)', async () => {
    const wrong: string[] = [];
    const bodies: Array<[string, string]> = [
      ['application/x-www-form-urlencoded', 'name=From+a+form'],
      ['text/plain', '{"name":"x"}'],
      ['text/plain; charset=utf-8', 'hello'],
      ['application/xml', '<name>x</name>'],
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n'],
    ];
    for (const [method, path, auth] of [
      ...writes(),
      ['POST', `/v1/rules/${ruleId}/pause`, brand.auth, ''] as const,
      ['POST', `/v1/members/${member.id}/token`, brand.auth, ''] as const,
    ]) {
      for (const [type, body] of bodies) {
        const before = await databaseFingerprint(query);
        const res = await rawRequest(base, method, path, { ...auth, 'content-type': type }, body);
        const changed = changedTables(before, await databaseFingerprint(query));
        const broken = contractViolation(t.contract, method, path, res);
        if (res.status !== 415 || JSON.parse(res.text).statusCode !== 415 || changed.length || broken) {
          wrong.push(
            `${method} ${path} as ${type} → ${res.status} ${summarise(res.text, 200)} ${changed} ${broken ?? ''}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    // JSON with a charset parameter is still JSON
    const ok = await rawRequest(
      base,
      'POST',
      '/v1/admin/brands',
      { ...admin, 'content-type': 'application/json; charset=utf-8' },
      '{"name":"Charset"}',
    );
    expect(ok.status).toBe(201);
  });
});

/**
 * Webhooks in (issue 11): the hook routes take bodies from strangers. Every body here is signed
 * (Standard Webhooks, Shopify's HMAC) or carries a hook token, so the fuzzing reaches the body
 * checks behind the signature; unsigned, stale and forged deliveries are refused before them.
 * Never a 5xx, and a refused hook writes nothing.
 */
describe('reliability: hostile input to the webhooks in (e2e)', () => {
  const ORDER = readFileSync(new URL('../../examples/shopify/orders-paid.json', import.meta.url), 'utf8');
  const REFUND = readFileSync(new URL('../../examples/shopify/refunds-create.json', import.meta.url), 'utf8');
  const SHOP = 'demo-roastery.myshopify.com';
  const CLIENT_SECRET = 'shpss_hostile_client_secret_0123456789';
  let t: TestApp;
  let base: string;
  let query: Query;
  let brand: TestBrand;
  let secret: string;
  let hookToken: string;
  let last: Record<string, string> = {};

  beforeAll(async () => {
    // claims are limited per address; here every request comes from one
    ({ t, base, query } = await startListeningApp({ REFERRAL_CLICKS_PER_MINUTE: '1000000' }));
    brand = await createBrand(t, 'Hostile hooks');
    await createRule(t, brand, {
      name: 'Per euro',
      event: 'purchase',
      reward: { points: { perUnit: { fact: 'event.amount', rate: 1, rounding: 'floor' } } },
    });
    secret = (await t.http().post('/v1/brand/hook-secrets').set(brand.auth).expect(201)).body.secret;
    hookToken = (await t.http().post('/v1/brand/hook-tokens').set(brand.auth).send({}).expect(201)).body.token;
    await t
      .http()
      .put('/v1/brand/integrations/shopify')
      .set(brand.auth)
      .send({ shopDomain: SHOP, clientSecret: CLIENT_SECRET })
      .expect(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  }, 30_000);

  const refresh = async () => {
    last = await databaseFingerprint(query);
  };

  /** One request: no 5xx, no hang, the error shape on a 4xx, and nothing written by a 4xx. */
  async function probe(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    label: string,
    opts: { expect4xx?: boolean } = {},
  ): Promise<string | null> {
    let res;
    try {
      res = await rawRequest(base, method, path, headers, body, 10_000);
    } catch (e) {
      await refresh();
      return `${label}: no answer (${(e as Error).message})`;
    }
    const now = await databaseFingerprint(query);
    const changed = changedTables(last, now);
    last = now;
    const what = `${label} → ${res.status} in ${res.ms} ms: ${summarise(res.text, 200)}`;
    if (res.status >= 500) {
      return what;
    }
    const broken = contractViolation(t.contract, method, path, res);
    if (broken) {
      return `${label}: ${broken}`;
    }
    if (res.ms > HANG_MS) {
      return `${what} (slower than ${HANG_MS} ms)`;
    }
    if (opts.expect4xx && !(res.status >= 400 && res.status < 500)) {
      return `${what} (expected a 4xx)`;
    }
    if (res.status >= 400) {
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = JSON.parse(res.text);
      } catch {
        // reported below
      }
      if (!parsed || parsed.statusCode !== res.status || typeof parsed.message !== 'string') {
        return `${what} (not the error shape)`;
      }
      if (changed.length) {
        return `${what} (a ${res.status} changed ${changed.join(', ')})`;
      }
    }
    return null;
  }

  const signed = (text: string | Buffer, at = new Date()) => {
    const id = `msg_${next()}`;
    return {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, text),
    };
  };
  const shopifyHeaders = (text: string | Buffer, topic: string) => ({
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': SHOP,
    'x-shopify-webhook-id': next(),
    'x-shopify-hmac-sha256': createHmac('sha256', CLIENT_SECRET).update(text).digest('base64'),
  });
  const conversion = () => ({
    type: 'conversion',
    campaignId: 'spring-24',
    segment: 'cart-abandoners',
    email: `fuzz-${next()}@example.com`,
    externalId: `ext-${next()}`,
    order: { id: `o-${next()}`, amount: '59.90', currency: 'EUR' },
    occurredAt: recent(),
  });
  // parsed with JSON.parse: the big ids round, which does not matter to the fuzzing
  const order = () => ({ ...JSON.parse(ORDER), id: 1000 + ++seq });
  const refund = () => JSON.parse(REFUND);

  interface HookTarget {
    name: string;
    path(): string;
    valid(): unknown;
    headers(text: string): Record<string, string>;
  }
  const TARGETS: HookTarget[] = [
    {
      name: 'POST /v1/hooks/{brandId}/campaigns (signed)',
      path: () => `/v1/hooks/${brand.id}/campaigns`,
      valid: conversion,
      headers: signed,
    },
    {
      name: 'POST /v1/hooks/{brandId}/campaigns (hook token)',
      path: () => `/v1/hooks/${brand.id}/campaigns`,
      valid: conversion,
      headers: () => ({ 'content-type': 'application/json', 'x-hook-token': hookToken }),
    },
    {
      name: 'POST /v1/hooks/{brandId}/shopify orders/paid',
      path: () => `/v1/hooks/${brand.id}/shopify`,
      valid: order,
      headers: (text) => shopifyHeaders(text, 'orders/paid'),
    },
    {
      name: 'POST /v1/hooks/{brandId}/shopify refunds/create',
      path: () => `/v1/hooks/${brand.id}/shopify`,
      valid: refund,
      headers: (text) => shopifyHeaders(text, 'refunds/create'),
    },
    {
      name: 'POST /v1/claims',
      path: () => '/v1/claims',
      valid: () => ({ token: `cl_${'A'.repeat(32)}` }),
      headers: () => ({ 'content-type': 'application/json' }),
    },
  ];

  it.each(TARGETS)(
    '$name: hostile bodies behind a good signature never 500, never hang, and a 4xx writes nothing',
    async (target) => {
      await refresh();
      await checkHostileBodies(
        () => target.valid(),
        (text, label) => probe('POST', target.path(), target.headers(text), text, `${target.name} ${label}`),
      );
    },
    120_000,
  );

  it('Mailchimp: hostile forms never 500, and a 4xx writes nothing', async () => {
    await refresh();
    const key = fc.oneof(
      fc.constantFrom('type', 'data[email]', 'data%5Bemail%5D', 'data[list_id]', 'data[merges][FNAME]', '__proto__'),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.oneof(
      fc.constantFrom('subscribe', 'unsubscribe', 'a@b.example', 'a6b5da1054', ...NASTY_STRINGS),
      fc.string({ maxLength: 40 }),
    );
    const out = await fc.check(
      fc.asyncProperty(fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 6 }), async (pairs) => {
        // every byte percent-encoded (a lone surrogate too, as its replacement's UTF-8), or sent raw
        const percent = (x: string) => [...Buffer.from(x)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
        const form = pairs.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${percent(k)}=${percent(v)}`)).join('&');
        const v = await probe(
          'POST',
          `/v1/hooks/${brand.id}/mailchimp?token=${hookToken}`,
          { 'content-type': 'application/x-www-form-urlencoded' },
          form,
          `mailchimp form ${summarise(JSON.stringify(form), 120)}`,
        );
        if (v) {
          throw new Error(v);
        }
      }),
      replayable({ numRuns: RUNS * 2, endOnFailure: true }),
    );
    if (out.failed) {
      throw new Error(`${(out.errorInstance as Error)?.message ?? out.errorInstance}\n${replayLine(out)}`);
    }
  }, 120_000);

  it('unsigned, stale, forged, misrouted and malformed deliveries are refused and write nothing', async () => {
    await refresh();
    const good = JSON.stringify(conversion());
    const campaigns = `/v1/hooks/${brand.id}/campaigns`;
    const shopify = `/v1/hooks/${brand.id}/shopify`;
    const json = { 'content-type': 'application/json' };
    const hmac = (text: string | Buffer) => createHmac('sha256', CLIENT_SECRET).update(text).digest('base64');
    const stale = signed(good, new Date(Date.now() - 6 * 60_000));
    const cases: Array<[string, string, Record<string, string>, string | Buffer | undefined]> = [
      ['campaigns unsigned', campaigns, json, good],
      ['campaigns stale', campaigns, stale, good],
      ['campaigns from the future', campaigns, signed(good, new Date(Date.now() + 6 * 60_000)), good],
      ['campaigns signed, another body', campaigns, signed(good), good.replace('spring-24', 'spring-25')],
      [
        'campaigns a garbage signature',
        campaigns,
        { ...signed(good), 'webhook-signature': 'v1,' + 'A'.repeat(10_000) },
        good,
      ],
      ['campaigns a v2 signature', campaigns, { ...signed(good), 'webhook-signature': 'v2,abc v1' }, good],
      ['campaigns a text timestamp', campaigns, { ...signed(good), 'webhook-timestamp': 'yesterday' }, good],
      ['campaigns a huge timestamp', campaigns, { ...signed(good), 'webhook-timestamp': '9'.repeat(30) }, good],
      ['campaigns a negative timestamp', campaigns, { ...signed(good), 'webhook-timestamp': '-1' }, good],
      ['campaigns a wrong token', campaigns, { ...json, 'x-hook-token': 'ht_nope' }, good],
      ['campaigns a NUL token', `${campaigns}?token=ht_%00`, json, good],
      ['campaigns a 10 kB token', `${campaigns}?token=ht_${'x'.repeat(10_000)}`, json, good],
      ['campaigns an unknown brand', '/v1/hooks/00000000-0000-0000-0000-000000000000/campaigns', signed(good), good],
      ['campaigns a non-UUID brand', '/v1/hooks/not-a-brand/campaigns', signed(good), good],
      ['campaigns a NUL brand', '/v1/hooks/%00/campaigns', signed(good), good],
      ['campaigns signed invalid JSON', campaigns, signed('{"type":'), '{"type":'],
      ['campaigns signed null', campaigns, signed('null'), 'null'],
      ['campaigns signed array', campaigns, signed('[]'), '[]'],
      ['campaigns signed __proto__', campaigns, signed('{"__proto__":{"a":1}}'), '{"__proto__":{"a":1}}'],
      ['campaigns signed, a 10 kB webhook-id', campaigns, { ...signed(good), 'webhook-id': 'x'.repeat(10_000) }, good],
      [
        'campaigns signed, a form',
        campaigns,
        { ...signed('a=1'), 'content-type': 'application/x-www-form-urlencoded' },
        'a=1',
      ],
      ['shopify no HMAC', shopify, { ...shopifyHeaders(ORDER, 'orders/paid'), 'x-shopify-hmac-sha256': '' }, ORDER],
      [
        'shopify a forged HMAC',
        shopify,
        { ...shopifyHeaders(ORDER, 'orders/paid'), 'x-shopify-hmac-sha256': hmac('x') },
        ORDER,
      ],
      [
        'shopify another shop',
        shopify,
        { ...shopifyHeaders(ORDER, 'orders/paid'), 'x-shopify-shop-domain': 'x.myshopify.com' },
        ORDER,
      ],
      [
        'shopify a 10 kB webhook id',
        shopify,
        { ...shopifyHeaders(ORDER, 'orders/paid'), 'x-shopify-webhook-id': 'x'.repeat(10_000) },
        ORDER,
      ],
      ['shopify signed invalid JSON', shopify, shopifyHeaders('{"id":', 'orders/paid'), '{"id":'],
      ['shopify signed duplicate keys', shopify, shopifyHeaders('{"id":1,"id":2}', 'orders/paid'), '{"id":1,"id":2}'],
      ['shopify signed deep nesting', shopify, shopifyHeaders('['.repeat(5000), 'orders/paid'), '['.repeat(5000)],
      [
        'shopify signed, an id of 2^64',
        shopify,
        shopifyHeaders('{"id":18446744073709551616,"subtotal_price":"1.00","email":"a@b.example"}', 'orders/paid'),
        '{"id":18446744073709551616,"subtotal_price":"1.00","email":"a@b.example"}',
      ],
      [
        'shopify signed, a 1e400 id',
        shopify,
        shopifyHeaders('{"id":1e400,"subtotal_price":"1.00"}', 'orders/paid'),
        '{"id":1e400,"subtotal_price":"1.00"}',
      ],
      [
        'shopify signed, a refund of 10^20',
        shopify,
        shopifyHeaders(
          '{"id":5,"order_id":6,"transactions":[{"kind":"refund","status":"success","amount":"999999999999999.9"},{"kind":"refund","status":"success","amount":"999999999999999.9"}]}',
          'refunds/create',
        ),
        '{"id":5,"order_id":6,"transactions":[{"kind":"refund","status":"success","amount":"999999999999999.9"},{"kind":"refund","status":"success","amount":"999999999999999.9"}]}',
      ],
      [
        'mailchimp no token',
        `/v1/hooks/${brand.id}/mailchimp`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        'type=subscribe&data[email]=a@b.example&data[list_id]=x',
      ],
      ['claims a NUL token', '/v1/claims', json, '{"token":"cl_\\u0000"}'],
      ['claims no body', '/v1/claims', {}, undefined],
    ];
    const violations: string[] = [];
    for (const [label, path, headers, body] of cases) {
      const v = await probe('POST', path, headers, body, label, { expect4xx: true });
      if (v) {
        violations.push(v);
      }
    }
    expect(violations).toEqual([]);
  }, 60_000);

  // The brand's side of the hooks takes bodies and ids too. A brand of its own, so that a fuzzed
  // body that is valid (a new Shopify secret) cannot change what the deliveries above are signed with.
  it('hook credentials and the Shopify integration: hostile bodies and ids never 500, and a 4xx writes nothing', async () => {
    const own = await createBrand(t, 'Hostile hook credentials');
    const json = { ...own.auth, 'content-type': 'application/json' };
    const bodies: Array<[string, 'POST' | 'PUT', string, () => unknown]> = [
      [
        'PUT /v1/brand/integrations/shopify',
        'PUT',
        '/v1/brand/integrations/shopify',
        () => ({ shopDomain: SHOP, clientSecret: CLIENT_SECRET, amountField: 'total_price' }),
      ],
      ['POST /v1/brand/hook-tokens', 'POST', '/v1/brand/hook-tokens', () => ({ name: 'klaviyo' })],
    ];
    for (const [name, method, path, valid] of bodies) {
      await refresh();
      await checkHostileBodies(valid, (text, label) => probe(method, path, json, text, `${name} ${label}`));
    }
    await refresh();
    const violations: string[] = [];
    for (const id of [
      'not-a-uuid',
      '%00',
      'x'.repeat(10_000),
      '00000000-0000-0000-0000-000000000000',
      encodeURIComponent("'; DROP TABLE hook_secrets; --"),
      encodeURIComponent('é😀'),
    ]) {
      for (const [method, path, headers] of [
        ['DELETE', `/v1/brand/hook-secrets/${id}`, own.auth],
        ['DELETE', `/v1/brand/hook-tokens/${id}`, own.auth],
        ['GET', `/v1/hooks/${id}/mailchimp?token=${hookToken}`, {}],
      ] as const) {
        const v = await probe(method, path, headers, undefined, `${method} ${summarise(path, 80)}`, {
          expect4xx: true,
        });
        if (v) {
          violations.push(v);
        }
      }
    }
    expect(violations).toEqual([]);
  }, 240_000);

  it('after all of it, no event was applied twice and every balance equals its ledger', async () => {
    expect(await doubleAwards(query)).toEqual([]);
    expect(await balanceFaults(query)).toEqual([]);
  }, 30_000);
});
