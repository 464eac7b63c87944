import { addressAllowed, addressKind, urlAllowed } from './target-guard.js';

const strict = { allowPrivate: false };
const dev = { allowPrivate: true };

describe('webhook target guard', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.10.10', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.100.100.200', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'metadata'],
    ['fd00:ec2:0:0:0:0:0:254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2606:4700::1111', 'public'],
    ['2001:db8::1', 'reserved'],
    ['[::1]', 'loopback'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });

  it('refuses everything but public addresses by default', () => {
    expect(addressAllowed('93.184.216.34', strict).ok).toBe(true);
    for (const ip of ['127.0.0.1', '10.0.0.1', '::1', 'fd00::1', '100.64.1.1', '224.0.0.1', '169.254.169.254']) {
      expect(addressAllowed(ip, strict).ok).toBe(false);
    }
  });

  it('lets loopback and private through with WEBHOOK_ALLOW_PRIVATE_TARGETS, never link-local or metadata', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '192.168.0.10', '::1', 'fd12::1', '::ffff:127.0.0.1']) {
      expect(addressAllowed(ip, dev).ok).toBe(true);
    }
    for (const ip of ['169.254.169.254', '169.254.1.1', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254']) {
      expect(addressAllowed(ip, dev).ok).toBe(false);
    }
    for (const ip of ['100.64.0.1', '224.0.0.1', '0.0.0.0', '::']) {
      expect(addressAllowed(ip, dev).ok).toBe(false);
    }
  });

  it('judges URLs: scheme, credentials, literal and localhost hosts', () => {
    expect(urlAllowed('https://hooks.example.com/loyalty', strict)).toEqual({ ok: true });
    expect(urlAllowed('http://hooks.example.com/loyalty', strict).ok).toBe(false);
    expect(urlAllowed('http://hooks.example.com/loyalty', dev).ok).toBe(true);
    expect(urlAllowed('ftp://hooks.example.com/', dev).ok).toBe(false);
    expect(urlAllowed('file:///etc/passwd', dev).ok).toBe(false);
    expect(urlAllowed('gopher://127.0.0.1:70/', dev).ok).toBe(false);
    expect(urlAllowed('not a url', dev).ok).toBe(false);
    expect(urlAllowed('https://user:pw@hooks.example.com/', strict).ok).toBe(false);
    expect(urlAllowed('https://127.0.0.1/', strict).ok).toBe(false);
    expect(urlAllowed('https://localhost/', strict).ok).toBe(false);
    expect(urlAllowed('https://a.localhost/', strict).ok).toBe(false);
    expect(urlAllowed('http://127.0.0.1:4000/hook', dev).ok).toBe(true);
    expect(urlAllowed('http://localhost:4000/hook', dev).ok).toBe(true);
    expect(urlAllowed('https://[::1]/', strict).ok).toBe(false);
    expect(urlAllowed('https://[::ffff:169.254.169.254]/', dev).ok).toBe(false);
    expect(urlAllowed('http://169.254.169.254/latest/meta-data/', dev).ok).toBe(false);
    expect(urlAllowed('http://[fd00:ec2::254]/', dev).ok).toBe(false);
    // WHATWG URL parsing turns these into dotted IPv4 first: judged as the address they are.
    expect(urlAllowed('http://2130706433/', strict).ok).toBe(false);
    expect(urlAllowed('http://0x7f.1/', strict).ok).toBe(false);
    expect(urlAllowed('http://0251.0376.0251.0376/', dev).ok).toBe(false);
  });
});
