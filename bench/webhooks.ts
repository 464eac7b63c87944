import http from 'node:http';
import { closedLoop, type LoadResult } from './load.js';

export interface WebhookStep {
  /** The same load as the plain 32-connection step, with one endpoint subscribed to points.earned. */
  service: LoadResult;
  /** The plain figure it is compared with (events/s at 32 connections, no endpoint). */
  plainPerSecond: number;
  ratio: number;
  /** Deliveries the receiver took during the step (and until the backlog was worked off, up to 10 s more). */
  delivered: number;
}

/**
 * One endpoint subscribed to points.earned, on a receiver in this process (200 to everything),
 * while the usual event load runs at `concurrency`. The service's own worker sends: the bench
 * wakes it every second through the operator's job route, as the scheduler would (the bench
 * runs the service with SCHEDULER_ENABLED=false so that no other job disturbs the steps).
 * With several instances the load goes round all of them, as in the plain step; the endpoint is
 * made and the worker woken on the first.
 */
export async function webhookStep(
  bases: readonly string[],
  auth: Record<string, string>,
  adminToken: string,
  concurrency: number,
  seconds: number,
  plainPerSecond: number,
  nextEvent: () => unknown,
): Promise<WebhookStep> {
  const [base] = bases;
  let delivered = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as { port: number }).port;
  const created = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/bench`, events: ['points.earned'] }),
  });
  if (!created.ok) {
    throw new Error(`webhook endpoint: ${created.status} ${await created.text()}`);
  }
  const endpoint = (await created.json()) as { id: string };
  // The subscription cache of the service sees the new endpoint within a second.
  await new Promise((r) => setTimeout(r, 1_100));

  let loading = true;
  const wake = async () => {
    while (loading) {
      const started = Date.now();
      const res = await fetch(`${base}/v1/admin/jobs/deliver-webhooks/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (Date.now() - started))));
    }
  };
  const worker = wake();
  const service = await closedLoop(bases, '/v1/events', auth, concurrency, seconds, nextEvent);
  // Let the worker catch up a little, then stop it and remove the endpoint (its backlog goes with it).
  for (let i = 0; i < 10 && delivered < service.ok * 0.5; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
  }
  loading = false;
  await worker;
  await fetch(`${base}/v1/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', headers: auth });
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  return {
    service,
    plainPerSecond,
    ratio: plainPerSecond ? service.perSecond / plainPerSecond : 0,
    delivered,
  };
}
