import fc from 'fast-check';
import { createBrand, createMember, createRule, type TestBrand, type TestMember } from '../support/factories.js';
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
import { rawRequest } from './support/http.js';

/**
 * Hostile input (DESIGN §5: "never a 500 for anything a client sent"): every POST, PUT and PATCH
 * endpoint gets property-based hostile bodies, then a systematic sweep of every field, raw
 * malformed payloads, bad path and query parameters. For every request: no 5xx, an answer
 * (within HANG_MS, a bound for a hung request, not a speed check: no test here times the
 * service), the error shape on 4xx, and a 4xx writes nothing at all (the whole database is
 * fingerprinted after each request). Afterwards every balance still equals its ledger.
 */
const HANG_MS = 30_000;
const RUNS = Number(process.env.HOSTILE_RUNS ?? 25);

interface Fixture {
  brand: TestBrand;
  member: TestMember;
  ruleId: string;
}

interface Endpoint {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH';
  path(f: Fixture): string;
  auth(f: Fixture): Record<string, string>;
  valid(f: Fixture): unknown;
  /** false: the route reads no body (a body is ignored), so a 2xx is fine for any parseable body */
  takesBody: boolean;
  special?: fc.Arbitrary<Mutation>;
  /** the fields the systematic sweep visits (default: all) */
  sweep?: (path: Array<string | number>) => boolean;
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
      fixtures.set(ep.name, { brand, member, ruleId: rule.id });
    }
  }, 60_000);
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
        const out = await fc.check(
          fc.asyncProperty(mutationArb(ep.special), async (mutations) => {
            const log: string[] = [];
            const text = encode(applyMutations(ep.valid(f), mutations, log));
            const violation = await send(ep, f, text, `[${log.join('; ')}] (${text.length} chars)`);
            if (violation) {
              throw new Error(violation);
            }
          }),
          replayable({ numRuns: RUNS, endOnFailure: true }),
        );
        if (out.failed) {
          throw new Error(`${(out.errorInstance as Error)?.message ?? out.errorInstance}\n${replayLine(out)}`);
        }
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

  it('after all of it, no event was applied twice and every balance equals its ledger', async () => {
    expect(await doubleAwards(query)).toEqual([]);
    expect(await balanceFaults(query)).toEqual([]);
  }, 30_000);
});
