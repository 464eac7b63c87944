import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built server (`npm run build`): the reliability suites run what production runs. */
export const MAIN_JS = fileURLToPath(new URL('../../../dist/src/main.js', import.meta.url));

export interface ServerProcess {
  readonly port: number;
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last 64 kB of stdout and stderr, for failure messages. */
  output(): string;
  /** Sends the signal (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerOptions {
  databaseUrl: string;
  adminToken: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

const running = new Set<ServerProcess>();

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `node dist/src/main.js` as a child process on its own port, resolved once `/ready` answers 200.
 * A port taken between freePort() and listen() is retried on another port.
 */
export async function startServerProcess(options: ServerOptions): Promise<ServerProcess> {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  }
  for (let attempt = 1; ; attempt++) {
    const server = spawnServer(await freePort(), options);
    try {
      await waitReady(server, options.readyTimeoutMs ?? 30_000);
      return server;
    } catch (e) {
      await server.kill();
      if (attempt < 3 && server.output().includes('EADDRINUSE')) {
        continue;
      }
      throw e;
    }
  }
}

/** SIGKILLs every server this module started that still runs (for afterAll, whatever happened). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.kill()));
}

function spawnServer(port: number, options: ServerOptions): ServerProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: options.databaseUrl,
    ADMIN_TOKEN: options.adminToken,
    SECRETS_KEY: Buffer.alloc(32, 0x5e).toString('base64'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    ...options.env,
  };
  const child = spawn(process.execPath, [MAIN_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const server: ServerProcess = {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      await exited;
    },
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
}

async function waitReady(server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void server.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline) {
    if (exitedEarly) {
      throw new Error(`server exited before /ready:\n${server.output()}`);
    }
    try {
      const res = await fetch(`${server.baseUrl}/ready`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) {
        return;
      }
      await res.arrayBuffer();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${server.output()}`);
}
