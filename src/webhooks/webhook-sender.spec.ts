import { lookup } from 'node:dns/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { addressAllowed } from './target-guard.js';
import { guardedLookup, WebhookSender } from './webhook-sender.js';

/**
 * The sender against a real HTTP server on this machine, reached by the machine's own name (a
 * name, not a literal: the guard judges it when the socket connects, after DNS).
 */
describe('webhook sender', () => {
  let server: http.Server;
  let port: number;
  const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let answer = 200;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(answer, answer === 429 ? { 'retry-after': '7' } : {}).end('ignored');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs the body and headers, answers the status and Retry-After', async () => {
    const sender = new WebhookSender({ allowPrivate: true });
    try {
      answer = 200;
      const first = await sender.send(`http://${hostname()}:${port}/hook`, { 'webhook-id': 'msg_1' }, '{"a":1}');
      expect(first).toMatchObject({ statusCode: 200, retryAfter: null, error: null });
      answer = 429;
      const second = await sender.send(`http://${hostname()}:${port}/hook`, { 'webhook-id': 'msg_2' }, '{"b":2}');
      expect(second).toMatchObject({ statusCode: 429, retryAfter: '7', error: null });
      expect(seen.map((s) => [s.headers['webhook-id'], s.headers['content-type'], s.body])).toEqual([
        ['msg_1', 'application/json', '{"a":1}'],
        ['msg_2', 'application/json', '{"b":2}'],
      ]);
    } finally {
      await sender.close();
    }
  });

  it('refuses, when it connects, a name that resolves to an address the policy forbids', async () => {
    const { address } = await lookup(hostname());
    const verdict = addressAllowed(address, { allowPrivate: false });
    // This machine's name resolves to loopback or a private address (a public one would make the test meaningless).
    expect(verdict.ok).toBe(false);
    const sender = new WebhookSender({ allowPrivate: false });
    const before = seen.length;
    try {
      const result = await sender.send(`https://${hostname()}:${port}/hook`, {}, '{}');
      expect(result.statusCode).toBeNull();
      expect(result.error).toContain(`refused target: ${hostname()} resolves to`);
      expect(seen.length).toBe(before);
    } finally {
      await sender.close();
    }
  });

  it('never follows a redirect: a 3xx is the answer', async () => {
    const redirecting = http.createServer((_req, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/' }).end(),
    );
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const sender = new WebhookSender({ allowPrivate: true });
    try {
      const result = await sender.send(
        `http://127.0.0.1:${(redirecting.address() as { port: number }).port}/`,
        {},
        '{}',
      );
      expect(result).toMatchObject({ statusCode: 302, error: null });
    } finally {
      await sender.close();
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });

  it('answers a refused connection as an error, not a throw', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sender = new WebhookSender({ allowPrivate: true });
    try {
      const result = await sender.send(`http://127.0.0.1:${freePort}/`, {}, '{}');
      expect(result.statusCode).toBeNull();
      expect(result.error).toMatch(/ECONNREFUSED/);
    } finally {
      await sender.close();
    }
  });
});

const strict = { allowPrivate: false };
const dev = { allowPrivate: true };

/**
 * The send-time half of the SSRF guard: the URL was judged at creation, but the name is
 * resolved again for every delivery and each address judged before the socket connects. A real
 * resolver (localhost comes from the hosts file) and a real receiver on 127.0.0.1.
 */
describe('webhook sender: the guard at send time', () => {
  let server: http.Server;
  let port: number;
  let requests = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests++;
      req.resume().on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a name that resolves to a loopback address by default, before connecting', async () => {
    const before = requests;
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      http
        .request({ host: 'localhost', port, method: 'POST', lookup: guardedLookup(strict) })
        .on('error', resolve)
        .on('response', () => resolve(Object.assign(new Error('answered'), { code: 'ANSWERED' })))
        .end('{}');
    });
    expect(error.code).toBe('EREFUSED');
    expect(error.message).toMatch(/^refused target: localhost resolves to .* is a loopback address$/);
    expect(requests).toBe(before);
  });

  it('lets the same name through with WEBHOOK_ALLOW_PRIVATE_TARGETS; the sender delivers to loopback then', async () => {
    const addresses = await new Promise<Array<{ address: string }>>((resolve, reject) =>
      guardedLookup(dev)('localhost', { all: true }, (e, list) =>
        e ? reject(e) : resolve(list as unknown as Array<{ address: string }>),
      ),
    );
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every((a) => a.address === '::1' || a.address.startsWith('127.'))).toBe(true);
    const sender = new WebhookSender(dev);
    try {
      const before = requests;
      const result = await sender.send(`http://127.0.0.1:${port}/hooks`, { 'webhook-id': 'msg-1' }, '{}');
      expect(result).toMatchObject({ statusCode: 204, error: null });
      expect(requests).toBe(before + 1);
    } finally {
      await sender.close();
    }
  });

  it('judges the URL again at send time: plain http to loopback is refused by default, nothing sent', async () => {
    const sender = new WebhookSender(strict);
    try {
      const before = requests;
      const result = await sender.send(`http://127.0.0.1:${port}/hooks`, {}, '{}');
      expect(result).toMatchObject({ statusCode: null, error: 'refused target: url must be https' });
      expect(requests).toBe(before);
    } finally {
      await sender.close();
    }
  });
});
