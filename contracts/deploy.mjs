// npm run contracts:deploy -- --rpc <url> --name "Acme Points" --symbol ACME [--soulbound]
// Deploys the committed artifact with the key in MINTER_PRIVATE_KEY (or the file MINTER_KEY_FILE names);
// that key's address gets the admin and minter roles. Prints one JSON line: { address, chainId, txHash }.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ContractFactory, JsonRpcProvider, Wallet } from 'ethers';

const { values } = parseArgs({
  options: {
    rpc: { type: 'string' },
    name: { type: 'string' },
    symbol: { type: 'string' },
    soulbound: { type: 'boolean', default: false },
  },
});
if (!values.rpc || !values.name || !values.symbol) {
  console.error('usage: npm run contracts:deploy -- --rpc <url> --name "Acme Points" --symbol ACME [--soulbound]');
  process.exit(2);
}
const key =
  process.env.MINTER_PRIVATE_KEY ||
  (process.env.MINTER_KEY_FILE && readFileSync(process.env.MINTER_KEY_FILE, 'utf8').trim());
if (!key) {
  console.error('MINTER_PRIVATE_KEY (or MINTER_KEY_FILE) must hold the deployer/minter key');
  process.exit(2);
}

const artifact = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'artifacts', 'LoyaltyToken.json'), 'utf8'),
);
// staticNetwork + no cache: ethers would otherwise reuse a cached eth_getTransactionCount
const provider = new JsonRpcProvider(values.rpc, undefined, { staticNetwork: true, cacheTimeout: -1 });
try {
  const signer = new Wallet(key, provider);
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, signer);
  const contract = await factory.deploy(values.name, values.symbol, !values.soulbound, signer.address);
  const tx = contract.deploymentTransaction();
  await contract.waitForDeployment();
  const { chainId } = await provider.getNetwork();
  console.log(JSON.stringify({ address: await contract.getAddress(), chainId: Number(chainId), txHash: tx.hash }));
} catch (e) {
  console.error(`deploy failed: ${e.shortMessage ?? e.message}`);
  process.exitCode = 1;
} finally {
  provider.destroy();
}
