import { isIP } from 'node:net';

/**
 * The SSRF guard (issue 11 §3): where a webhook may be sent. Pure: the URL is judged at
 * creation, and every address its host resolves to is judged again at send time, so a name
 * that later points inside the network is refused when it matters.
 */
export type AddressKind =
  'public' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'multicast' | 'metadata' | 'unspecified' | 'reserved';

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: loopback and private ranges allowed, and plain http. */
  allowPrivate: boolean;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Cloud metadata services, refused whatever the policy (AWS/GCP/Azure v4 sits in link-local). */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

const V4_RANGES: Array<[string, number, AddressKind]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['169.254.0.0', 16, 'link-local'],
  ['100.64.0.0', 10, 'cgnat'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
];

/** What kind of address an IP literal (v4 or v6) is; v4-mapped and NAT64 v6 are judged by their v4. */
export function addressKind(address: string): AddressKind {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) {
    return v4Kind(v4Number(ip));
  }
  if (family !== 6) {
    return 'reserved';
  }
  const words = v6Words(ip);
  if (METADATA.has(v6Text(words))) {
    return 'metadata';
  }
  const embedsV4 =
    (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) || // ::ffff:a.b.c.d
    (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) || // 64:ff9b::/96
    words.slice(0, 6).every((w) => w === 0 && !(words[6] === 0 && words[7] <= 1)); // ::a.b.c.d (deprecated)
  if (embedsV4) {
    return v4Kind(((words[6] << 16) | words[7]) >>> 0);
  }
  if (words.every((w) => w === 0)) {
    return 'unspecified';
  }
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) {
    return 'loopback';
  }
  const first = words[0];
  if ((first & 0xfe00) === 0xfc00) {
    return 'private'; // fc00::/7 unique local
  }
  if ((first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0) {
    return 'link-local'; // fe80::/10, and the old site-local fec0::/10
  }
  if ((first & 0xff00) === 0xff00) {
    return 'multicast';
  }
  if (first === 0x2001 && words[1] === 0x0db8) {
    return 'reserved'; // documentation
  }
  if ((first & 0xe000) !== 0x2000) {
    return 'reserved'; // outside 2000::/3, the global unicast space
  }
  return 'public';
}

/** May a request go to this address under the policy? */
export function addressAllowed(address: string, policy: TargetPolicy): Verdict {
  const kind = addressKind(address);
  if (kind === 'public' || (policy.allowPrivate && (kind === 'loopback' || kind === 'private'))) {
    return { ok: true };
  }
  return { ok: false, reason: `${address} is a ${kind} address` };
}

/**
 * The URL's own checks: scheme, no credentials, and (when the host is an IP literal or a
 * localhost name) its address. A host name is resolved and judged again at send time.
 */
export function urlAllowed(raw: string, policy: TargetPolicy): Verdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    return { ok: false, reason: policy.allowPrivate ? 'must be http or https' : 'must be https' };
  }
  if (url.username || url.password) {
    return { ok: false, reason: 'must not carry credentials' };
  }
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (!host) {
    return { ok: false, reason: 'has no host' };
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return addressAllowed('127.0.0.1', policy).ok ? { ok: true } : { ok: false, reason: `${host} is loopback` };
  }
  if (isIP(host)) {
    return addressAllowed(host, policy);
  }
  if (/^[0-9.]+$/.test(host) || /^0x/i.test(host)) {
    return { ok: false, reason: 'has a numeric host that is not a dotted IPv4 address' };
  }
  return { ok: true };
}

function v4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

function v4Kind(n: number): AddressKind {
  const text = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  if (METADATA.has(text)) {
    return 'metadata';
  }
  if (n === 0xffffffff) {
    return 'reserved';
  }
  for (const [base, bits, kind] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === (v4Number(base) & mask) >>> 0) {
      return kind;
    }
  }
  return 'public';
}

/** The eight 16-bit words of a valid IPv6 literal (a trailing dotted v4 included). */
function v6Words(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4Number(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((w) => parseInt(w, 16));
}

/** The canonical short text of v6 words (for the metadata set). */
function v6Text(words: number[]): string {
  const hex = words.map((w) => w.toString(16));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) {
      j++;
    }
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) {
    return hex.join(':');
  }
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
