import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * CPU time read from /proc, so the bench can say where an event's cost goes: the service
 * process, the PostgreSQL server (postmaster, live backends, and backends already reaped, which
 * the kernel adds to the postmaster's children time), and this process (the load generator, and
 * the client of the ceiling's bare writes).
 */
export interface CpuSample {
  serviceUs: number;
  postgresUs: number;
  benchUs: number;
}

export interface CpuPerEvent {
  serviceUs: number;
  postgresUs: number;
  benchUs: number;
}

const TICK_US = 1_000_000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface ProcStat {
  pid: number;
  ppid: number;
  ownTicks: number;
  childTicks: number;
}

function stat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited between the listing and the read
  }
  // The command name sits in parentheses and may hold spaces: fields count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3]);
  return { pid, ppid: n(4), ownTicks: n(14) + n(15), childTicks: n(16) + n(17) };
}

/** The postmaster of the server behind `url`: the parent of a backend of ours. */
export async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const backend = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const parent = stat(backend)?.ppid;
    if (!parent) {
      throw new Error('cannot read the PostgreSQL server from /proc (is it on this machine?)');
    }
    return parent;
  } finally {
    await client.end();
  }
}

function processTreeUs(root: number): number {
  const top = stat(root);
  if (!top) {
    return 0;
  }
  let ticks = top.ownTicks + top.childTicks;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid !== root) {
      const s = stat(pid);
      if (s?.ppid === root) {
        ticks += s.ownTicks;
      }
    }
  }
  return ticks * TICK_US;
}

export function cpuSample(servicePids: readonly number[], postmaster: number): CpuSample {
  const { user, system } = process.cpuUsage();
  return {
    serviceUs: servicePids.reduce((sum, pid) => sum + processTreeUs(pid), 0),
    postgresUs: processTreeUs(postmaster),
    benchUs: user + system,
  };
}

export function perEvent(before: CpuSample, after: CpuSample, events: number): CpuPerEvent {
  const per = (a: number, b: number) => (events > 0 ? Math.round((b - a) / events) : NaN);
  return {
    serviceUs: per(before.serviceUs, after.serviceUs),
    postgresUs: per(before.postgresUs, after.postgresUs),
    benchUs: per(before.benchUs, after.benchUs),
  };
}
