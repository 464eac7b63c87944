import net from 'node:net';
import { type CpuPerEvent, type CpuSample, perEvent } from './cpu.js';
import { closedLoop, type LoadResult } from './load.js';

export interface WebhookStep {
  /** The rounds with one endpoint subscribed to points.earned, added up. */
  service: LoadResult;
  /** The rounds between them with the endpoint disabled (no message written), added up. */
  plain: LoadResult;
  /** The step's plain figure (events/s at `concurrency`, endpoint disabled), which the ratio divides by. */
  plainPerSecond: number;
  ratio: number;
  /** events/s of each round, in the order they ran. */
  rounds: { withEndpoint: number[]; withoutEndpoint: number[] };
  /** Deliveries the receiver took during the step (and until the backlog was worked off, up to 10 s more). */
  delivered: number;
  /** Deliveries the receiver took while the rounds with the endpoint ran. */
  deliveredDuringLoad: number;
  /** CPU per event of the rounds with and without the endpoint (the receiver's is the bench's). */
  cpuPerEvent: { withEndpoint: CpuPerEvent; withoutEndpoint: CpuPerEvent };
}

/** Rounds of each kind; they alternate (without, with, without, …) so that both see the same machine. */
const PAIRS = Number(process.env.BENCH_WEBHOOK_PAIRS ?? 3);

/**
 * One endpoint subscribed to points.earned, on a receiver in this process (200 to everything),
 * while the usual event load runs at `concurrency`, in rounds alternating with rounds where the
 * endpoint is disabled: the tables grow and the checkpoints fall alike on both, which a plain
 * figure measured minutes earlier does not give. The service's own worker sends: the bench wakes
 * it every second through the operator's job route, as the scheduler would (the bench runs the
 * service with SCHEDULER_ENABLED=false so that no other job disturbs the steps). With several
 * instances the load goes round all of them; the endpoint is made and the worker woken on the
 * first. BENCH_WEBHOOK_DELIVERY=off leaves the worker asleep, so the step measures the outbox
 * writes on the event path alone.
 */
export async function webhookStep(
  bases: readonly string[],
  auth: Record<string, string>,
  adminToken: string,
  concurrency: number,
  seconds: number,
  nextEvent: () => unknown,
  cpu: () => CpuSample,
): Promise<WebhookStep> {
  const [base] = bases;
  const deliver = process.env.BENCH_WEBHOOK_DELIVERY !== 'off';
  let delivered = 0;
  const receiver = minimalReceiver(() => delivered++);
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const port = (receiver.server.address() as { port: number }).port;
  const json = { ...auth, 'content-type': 'application/json' };
  const created = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/bench`, events: ['points.earned'] }),
  });
  if (!created.ok) {
    throw new Error(`webhook endpoint: ${created.status} ${await created.text()}`);
  }
  const endpoint = (await created.json()) as { id: string };
  const setStatus = async (status: 'enabled' | 'disabled') => {
    const res = await fetch(`${base}/v1/webhook-endpoints/${endpoint.id}`, {
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ status }),
    });
    if (!res.ok) {
      throw new Error(`webhook endpoint ${status}: ${res.status} ${await res.text()}`);
    }
    // Every instance's subscription cache sees the change within a second.
    await new Promise((r) => setTimeout(r, 1_100));
  };

  let loading = true;
  const wake = async () => {
    while (loading && deliver) {
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
  const withEndpoint: LoadResult[] = [];
  const withoutEndpoint: LoadResult[] = [];
  const cpuWith: CpuPerEvent[] = [];
  const cpuWithout: CpuPerEvent[] = [];
  let deliveredDuringLoad = 0;
  const round = async (enabled: boolean) => {
    await setStatus(enabled ? 'enabled' : 'disabled');
    const before = cpu();
    const deliveredBefore = delivered;
    const r = await closedLoop(bases, '/v1/events', auth, concurrency, seconds, nextEvent);
    (enabled ? cpuWith : cpuWithout).push(perEvent(before, cpu(), r.ok));
    (enabled ? withEndpoint : withoutEndpoint).push(r);
    deliveredDuringLoad += enabled ? delivered - deliveredBefore : 0;
  };
  for (let i = 0; i < PAIRS; i++) {
    await round(false);
    await round(true);
  }
  const sent = withEndpoint.reduce((a, r) => a + r.ok, 0);
  // Let the worker catch up a little, then stop it and remove the endpoint (its backlog goes with it).
  for (let i = 0; deliver && i < 10 && delivered < sent * 0.5; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
  }
  loading = false;
  await worker;
  await fetch(`${base}/v1/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', headers: auth });
  await receiver.close();
  const service = addUp(withEndpoint);
  const plain = addUp(withoutEndpoint);
  return {
    service,
    plain,
    plainPerSecond: plain.perSecond,
    ratio: plain.perSecond ? service.perSecond / plain.perSecond : 0,
    rounds: {
      withEndpoint: withEndpoint.map((r) => r.perSecond),
      withoutEndpoint: withoutEndpoint.map((r) => r.perSecond),
    },
    delivered,
    deliveredDuringLoad,
    cpuPerEvent: { withEndpoint: meanCpu(cpuWith), withoutEndpoint: meanCpu(cpuWithout) },
  };
}

const ANSWER = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');

/**
 * The brand's receiver stands in for a machine of theirs, so it should cost this one as little as
 * it can: a bare HTTP/1.1 responder that reads each request's head and its content-length body
 * and answers 200, on kept-alive connections. It does not verify signatures (the e2e suites do,
 * with the standardwebhooks package); its CPU is the bench's share of `cpuPerEvent`.
 */
function minimalReceiver(onMessage: () => void): { server: net.Server; close: () => Promise<void> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const headEnd = buf.indexOf('\r\n\r\n');
        if (headEnd < 0) {
          return;
        }
        const length = /\r\ncontent-length: *(\d+)/i.exec(buf.toString('latin1', 0, headEnd));
        const end = headEnd + 4 + (length ? Number(length[1]) : 0);
        if (buf.length < end) {
          return;
        }
        buf = buf.subarray(end);
        onMessage();
        socket.write(ANSWER);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  // The service keeps its connections alive: closing drops them rather than waiting for them.
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      sockets.forEach((s) => s.destroy());
    });
  return { server, close };
}

/** Rounds of one kind as one result: counts added, latency percentiles the worst round's. */
function addUp(rounds: LoadResult[]): LoadResult {
  const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
  const ok = rounds.reduce((a, r) => a + r.ok, 0);
  const worst = (k: 'p50' | 'p95' | 'p99') => Math.max(...rounds.map((r) => r[k]));
  return {
    concurrency: rounds[0].concurrency,
    seconds,
    ok,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    perSecond: Math.round(ok / seconds),
    p50: worst('p50'),
    p95: worst('p95'),
    p99: worst('p99'),
  };
}

function meanCpu(samples: CpuPerEvent[]): CpuPerEvent {
  const mean = (k: keyof CpuPerEvent) => Math.round(samples.reduce((a, s) => a + s[k], 0) / samples.length);
  return { serviceUs: mean('serviceUs'), postgresUs: mean('postgresUs'), benchUs: mean('benchUs') };
}
