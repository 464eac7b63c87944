import fc from 'fast-check';

/**
 * Hostile JSON for the hostile-input suite: wrong types, huge numbers, unicode (NUL, lone
 * surrogates, RTL marks), megabyte strings, nesting far deeper than JSON.stringify (or a
 * recursive validator) survives, and pathological rule conditions.
 */

/** A nest of `depth` arrays or objects, written out by encode() without recursion. */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object' | 'not' | 'all' | 'any',
    /** JSON text at the bottom (a valid condition leaf for not/all/any). */
    readonly bottom = '1',
  ) {}

  toJSON(): string {
    return `<${this.kind} nested ${this.depth} deep>`;
  }
}

/** A string of `length` characters, built when encoded (fast-check need not carry megabytes). */
export class Long {
  constructor(
    readonly length: number,
    readonly unit = 'x',
  ) {}

  toJSON(): string {
    return `<${this.length} × ${JSON.stringify(this.unit)}>`;
  }
}

/** JSON text of a value that may hold Deep and Long markers. */
export function encode(value: unknown): string {
  if (value instanceof Deep) {
    const d = value.depth;
    switch (value.kind) {
      case 'array':
        return '['.repeat(d) + ']'.repeat(d);
      case 'object':
        return '{"a":'.repeat(d) + value.bottom + '}'.repeat(d);
      case 'not':
        return '{"not":'.repeat(d) + value.bottom + '}'.repeat(d);
      default:
        return `{"${value.kind}":[`.repeat(d) + value.bottom + ']}'.repeat(d);
    }
  }
  if (value instanceof Long) {
    return JSON.stringify(value.unit.repeat(Math.ceil(value.length / value.unit.length)).slice(0, value.length));
  }
  if (Array.isArray(value)) {
    return `[${value.map(encode).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${encode(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short, readable account of a value (for failure messages). */
export function summarise(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '😀'.repeat(60),
  'e\u0301',
  '\u202egnp.exe',
  '\ufeff',
  '\u2028\u2029',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '00000000-0000-0000-0000-000000000000',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  "'; DROP TABLE members; --",
  '<script>alert(1)</script>',
  '%00',
  '../../etc/passwd',
  'ＡＢＣ',
  'İstanbul',
  'straße',
  '\r\n',
  '\t',
  'x'.repeat(201),
  'x'.repeat(2_001),
  '${7*7}',
  '{{7*7}}',
];

export const NASTY_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e15,
  1e15 + 1,
  1e21,
  Number('9223372036854775807'),
  3.14159,
];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
  { arbitrary: fc.constantFrom(...NASTY_NUMBERS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);

/** Long strings: well inside, just inside and just past a 1 MB body limit. */
export const longString: fc.Arbitrary<Long> = fc
  .record({
    length: fc.constantFrom(5_000, 100_000, 1_000_000 - 4_096, 1_100_000),
    unit: fc.constantFrom('x', 'é', '😀', '\u0000'),
  })
  .map(({ length, unit }) => new Long(unit.length === 2 ? Math.floor(length / 4) : length, unit));

export const deepNest: fc.Arbitrary<Deep> = fc
  .record({
    depth: fc.constantFrom(50, 500, 3_000, 20_000, 100_000),
    kind: fc.constantFrom<'array' | 'object'>('array', 'object'),
  })
  .map(({ depth, kind }) => new Deep(depth, kind));

/** Any hostile JSON value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>(
  (tie) =>
    ({
      value: fc.oneof(
        { depthSize: 'small' },
        { arbitrary: scalar, weight: 8 },
        { arbitrary: tie('array'), weight: 2 },
        { arbitrary: tie('object'), weight: 2 },
        { arbitrary: longString, weight: 1 },
        { arbitrary: deepNest, weight: 1 },
      ),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(
        fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY_STRINGS.slice(0, 20))),
        tie('value'),
        { maxKeys: 4 },
      ),
    }) as never,
).value;

// ---- rule conditions --------------------------------------------------------------------------

const FACTS = [
  'event.amount',
  'event.channel',
  'event.orderId',
  'member.tier',
  'member.stage',
  'member.purchaseCount',
  'member.lifetimePoints',
  'time.hour',
  'time.dayOfWeek',
  'member.shoeSize',
  'event.',
  'event.a-b',
  '',
  'x'.repeat(300),
];
const OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'exists',
  'between',
  'matches',
  'regex',
  '$where',
  '',
];

const leaf: fc.Arbitrary<unknown> = fc.record(
  {
    fact: fc.oneof(fc.constantFrom(...FACTS), scalar),
    op: fc.oneof(fc.constantFrom(...OPS), scalar),
    value: fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.constant([1, 2]), fc.constant([2, 1])),
  },
  { requiredKeys: [] },
);

const conditionTree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>(
  (tie) =>
    ({
      node: fc.oneof(
        { depthSize: 'small' },
        { arbitrary: leaf, weight: 4 },
        { arbitrary: fc.record({ all: fc.array(tie('node'), { maxLength: 4 }) }), weight: 1 },
        { arbitrary: fc.record({ any: fc.array(tie('node'), { maxLength: 4 }) }), weight: 1 },
        { arbitrary: fc.record({ not: tie('node') }), weight: 1 },
        { arbitrary: fc.record({ all: tie('node'), any: tie('node') }), weight: 1 },
      ),
    }) as never,
).node;

export const VALID_LEAF = '{"fact":"event.amount","op":"gte","value":1}';
const validLeafObject = { fact: 'event.amount', op: 'gte', value: 1 };

/** Conditions built to hurt a validator or a compiler: deep, wide, huge lists, many leaves. */
export const pathologicalCondition: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      depth: fc.constantFrom(9, 10, 11, 1_000, 50_000),
      kind: fc.constantFrom<'not' | 'all' | 'any'>('not', 'all', 'any'),
    })
    .map(({ depth, kind }) => new Deep(depth, kind, VALID_LEAF)),
  fc
    .record({
      n: fc.constantFrom(1, 9_999, 10_000, 10_001, 60_000),
      op: fc.constantFrom('in', 'nin'),
      item: fc.constantFrom<unknown>('web', 7, 1e308, true, null, [1], {}),
    })
    .map(({ n, op, item }) => ({
      fact: 'event.channel',
      op,
      value: Array.from({ length: n }, (_, i) => (item === 'web' ? `web${i}` : item)),
    })),
  fc.record({ n: fc.constantFrom(1, 500, 900), length: fc.constantFrom(1_000, 1_001) }).map(({ n, length }) => ({
    fact: 'event.channel',
    op: 'in',
    value: Array.from({ length: n }, (_, i) => `${i}`.padEnd(length, 'x')),
  })),
  fc
    .constantFrom(199, 200, 201, 1_000, 5_000, 20_000)
    .map((n) => ({ all: Array.from({ length: n }, () => validLeafObject) })),
  fc
    .constantFrom(999, 1_000, 1_001, 30_000)
    .map((n) => ({ any: [validLeafObject, ...Array.from({ length: n }, () => ({ all: [] }))] })),
  fc.constantFrom(50, 200).map((n) => ({ any: Array.from({ length: n }, () => new Deep(9, 'all', VALID_LEAF)) })),
  conditionTree,
);

// ---- mutations of a valid body ----------------------------------------------------------------

export type Mutation =
  | { op: 'root'; value: unknown }
  | { op: 'set'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown }
  | { op: 'field'; path: Array<string | number>; value: unknown };

export function mutationArb(special?: fc.Arbitrary<Mutation>): fc.Arbitrary<Mutation[]> {
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('root' as const), value: hostileValue }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileValue }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }), weight: 2 },
    {
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        at: fc.nat(),
        key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...NASTY_STRINGS.slice(0, 24))),
        value: hostileValue,
      }),
      weight: 2,
    },
    ...(special ? [{ arbitrary: special, weight: 4 }] : []),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

type Path = Array<string | number>;

/** Paths to every node below the root (objects, arrays and leaves). */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value instanceof Deep || value instanceof Long) {
    return out;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      pathsOf(v, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      pathsOf(v, [...prefix, k], out);
    }
  }
  return out;
}

/** Paths to every container (object or array), root included. */
function containersOf(value: unknown): Path[] {
  const isContainer = (v: unknown) =>
    v !== null && typeof v === 'object' && !(v instanceof Deep) && !(v instanceof Long);
  return [[], ...pathsOf(value).filter((p) => isContainer(at(value, p)))].filter((p) => isContainer(at(value, p)));
}

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], value);
}

const show = (path: Path) =>
  path.length
    ? path
        .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
        .join('')
        .slice(1)
    : '(root)';
const brief = (value: unknown) => summarise(encode(value), 80);

/**
 * A copy in which no object or array is reached twice. Generated values share instances (one leaf
 * object 5,000 times in a list, fast-check's constants in every run): a mutation through one
 * reference would change them all, in this body and in every later run (seed -26230245 made
 * 5,000 leaves 200,000 characters each: past V8's longest string). Deep and Long stay shared:
 * nothing mutates them.
 */
export function tree(value: unknown): unknown {
  if (value instanceof Deep || value instanceof Long || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(tree);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // defineProperty: a generated "__proto__" key stays an own field
    Object.defineProperty(out, k, { value: tree(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Applies mutations to a copy of the body; `log` receives what was done, for failure messages. */
export function applyMutations(body: unknown, mutations: Mutation[], log: string[] = []): unknown {
  let out: unknown = tree(body);
  for (const mutation of mutations) {
    const m = 'value' in mutation ? { ...mutation, value: tree(mutation.value) } : mutation;
    if (m.op === 'root') {
      out = m.value;
      log.push(`body = ${brief(m.value)}`);
      continue;
    }
    if (m.op === 'field') {
      const parent = at(out, m.path.slice(0, -1));
      if (parent !== null && typeof parent === 'object' && !(parent instanceof Deep) && !(parent instanceof Long)) {
        (parent as Record<string | number, unknown>)[m.path[m.path.length - 1]] = m.value;
        log.push(`${show(m.path)} = ${brief(m.value)}`);
      }
      continue;
    }
    if (m.op === 'add') {
      const containers = containersOf(out);
      if (containers.length === 0) {
        continue;
      }
      const path = containers[m.at % containers.length];
      const target = at(out, path) as Record<string, unknown> | unknown[];
      if (Array.isArray(target)) {
        target.push(m.value);
      } else {
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      }
      log.push(
        `${show(path)} + ${JSON.stringify(Array.isArray(target) ? target.length - 1 : m.key)}: ${brief(m.value)}`,
      );
      continue;
    }
    const paths = pathsOf(out);
    if (paths.length === 0) {
      continue;
    }
    const path = paths[m.at % paths.length];
    const parent = at(out, path.slice(0, -1)) as Record<string | number, unknown>;
    const key = path[path.length - 1];
    if (m.op === 'set') {
      parent[key] = m.value;
      log.push(`${show(path)} = ${brief(m.value)}`);
    } else {
      if (Array.isArray(parent)) {
        parent.splice(key as number, 1);
      } else {
        delete parent[key];
      }
      log.push(`without ${show(path)}`);
    }
  }
  return out;
}
