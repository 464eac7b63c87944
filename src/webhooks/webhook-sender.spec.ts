import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedLookup, WebhookSender } from './webhook-sender.js';

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
      sender.close();
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
      sender.close();
    }
  });
});
