import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Interface } from 'ethers';
import { LOYALTY_TOKEN_ABI } from './loyalty-token-abi.js';

const run = promisify(execFile);
const artifactUrl = new URL('../../contracts/artifacts/LoyaltyToken.json', import.meta.url);
const compileUrl = new URL('../../contracts/compile.mjs', import.meta.url);

describe('the committed LoyaltyToken artifact', () => {
  it('is what a fresh compile of contracts/LoyaltyToken.sol makes, and has every function and error the service calls', async () => {
    const committed = JSON.parse(readFileSync(artifactUrl, 'utf8')) as { abi: unknown[]; bytecode: string };
    // a child process: solc-js takes ~260 MB, kept out of the test worker
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import(${JSON.stringify(compileUrl.href)}).then((m) => process.stdout.write(JSON.stringify(m.compileLoyaltyToken())))`,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const fresh = JSON.parse(stdout) as { abi: unknown[]; bytecode: string; evmVersion: string };
    expect(fresh.evmVersion).toBe('prague');
    expect(fresh.abi).toEqual(committed.abi);
    expect(fresh.bytecode).toBe(committed.bytecode);

    const signatures = (i: Interface) =>
      i.fragments
        .filter((f) => f.type === 'function' || f.type === 'error')
        .map((f) => (f as unknown as { format(f: 'sighash'): string }).format('sighash'));
    const artifact = signatures(new Interface(committed.abi as never));
    for (const sig of signatures(new Interface(LOYALTY_TOKEN_ABI))) {
      expect(artifact).toContain(sig);
    }
  }, 120_000);
});
