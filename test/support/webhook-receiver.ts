import http from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The payload as parsed by standardwebhooks' verify with the receiver's first secret; null when it did not verify. */
  verified: unknown;
  /** Which of the receiver's secrets verify this delivery. */
  verifiedBy: string[];
  /** The status this receiver answered. */
  answered: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Secrets the receiver checks every delivery against (the endpoint's, once it is created). */
  secrets: string[];
  /** What to answer the n-th request (0-based); default 200. */
  answer: (n: number, req: Received) => Answer;
  /** Resolves once `count` deliveries arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 that verifies every delivery with the standardwebhooks package. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    received: [],
    secrets: [],
    answer: () => ({ status: 200 }),
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`receiver got ${receiver.received.length} of ${count} deliveries in ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return receiver.received;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = req.headers as Record<string, string>;
      const verifiedBy = receiver.secrets.filter((s) => {
        try {
          new Webhook(s).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      const got: Received = {
        headers: req.headers,
        body,
        verified: verifiedBy.length ? new Webhook(verifiedBy[0]).verify(body, headers) : null,
        verifiedBy,
        answered: 0,
      };
      const a = receiver.answer(receiver.received.length, got);
      got.answered = a.status;
      receiver.received.push(got);
      res.writeHead(a.status, a.headers ?? {});
      res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  receiver.url = `http://127.0.0.1:${address.port}/hooks`;
  return receiver;
}
