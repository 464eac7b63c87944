import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { ContractFactory, JsonRpcProvider, Wallet } from 'ethers';

const require = createRequire(import.meta.url);

/** anvil's well-known dev accounts (mnemonic "test test … junk"): keys for tests only. */
export const ANVIL_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
] as const;

export interface Anvil {
  readonly port: number;
  readonly url: string;
  readonly provider: JsonRpcProvider;
  /** Stops the node (SIGTERM); `start()` brings a new one up on the same port with a fresh chain. */
  stop(): Promise<void>;
  snapshot(): Promise<string>;
  revert(id: string): Promise<void>;
  mine(blocks?: number): Promise<void>;
}

/** The anvil binary from the platform package npm installed beside @foundry-rs/anvil. */
export function anvilBinary(): string {
  return require.resolve(
    `@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}/bin/anvil`,
  );
}

/**
 * A real dev chain (prague, automine) on a port the OS picks, or on `port` when given (a restart
 * keeps its URL). Resolves once it prints `Listening on 127.0.0.1:PORT`.
 */
export async function startAnvil(opts: { port?: number; args?: string[] } = {}): Promise<Anvil> {
  const child = spawn(
    anvilBinary(),
    ['--port', String(opts.port ?? 0), '--hardfork', 'prague', '--host', '127.0.0.1', ...(opts.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await listeningPort(child);
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    url,
    provider,
    async stop() {
      provider.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      await exited;
    },
    snapshot: () => provider.send('evm_snapshot', []) as Promise<string>,
    async revert(id: string) {
      await provider.send('evm_revert', [id]);
    },
    async mine(blocks = 1) {
      await provider.send('anvil_mine', [`0x${blocks.toString(16)}`]);
    },
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining: a full pipe would stall the node
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`anvil exited (${code}) before listening:\n${out.slice(-2000)}`)));
  });
}

const ARTIFACT = JSON.parse(
  readFileSync(new URL('../../contracts/artifacts/LoyaltyToken.json', import.meta.url), 'utf8'),
) as { abi: unknown[]; bytecode: string };

/** Deploys the committed LoyaltyToken with `key` as admin and minter; answers its address. */
export async function deployToken(
  anvil: Anvil,
  key: string,
  o: { name?: string; symbol?: string; transferable?: boolean } = {},
): Promise<string> {
  const signer = new Wallet(key, anvil.provider);
  const nonce = await anvil.provider.getTransactionCount(signer.address, 'pending');
  const factory = new ContractFactory(ARTIFACT.abi as never, ARTIFACT.bytecode, signer);
  const contract = await factory.deploy(
    o.name ?? 'Acme Points',
    o.symbol ?? 'ACME',
    o.transferable ?? true,
    signer.address,
    {
      nonce,
    },
  );
  await contract.waitForDeployment();
  return contract.getAddress();
}

export const TOKEN_ABI = ARTIFACT.abi;
