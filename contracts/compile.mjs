// Compiles contracts/LoyaltyToken.sol with solc-js; shared by `npm run contracts:build` and the artifact test.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** The chain's hardfork (anvil runs --hardfork prague); solc 0.8.37 would default to osaka. */
export const EVM_VERSION = 'prague';

export function compileLoyaltyToken() {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { 'LoyaltyToken.sol': { content: readFileSync(join(here, 'LoyaltyToken.sol'), 'utf8') } },
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const findImports = (path) => {
    try {
      return { contents: readFileSync(require.resolve(path), 'utf8') };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) {
    throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  }
  const contract = output.contracts['LoyaltyToken.sol'].LoyaltyToken;
  return {
    contractName: 'LoyaltyToken',
    compiler: `solc ${solc.version()}`,
    evmVersion: EVM_VERSION,
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
  };
}
