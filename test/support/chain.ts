import { DataSource } from 'typeorm';
import { BrandKeyCache } from '../../src/brands/brand-key.cache.js';
import type { TestApp } from './test-app.js';

/**
 * Switches a brand's chain on without the on-chain checks PATCH /v1/brand makes, so suites of
 * other features can write token rules and see token_mints rows; nothing here mints (no worker
 * runs in them). test/chain.e2e-spec.ts enables chains the real way, against anvil. The row is
 * written behind the service's back, so the app's key cache is told, as the service would.
 */
export async function allowTokenRules(t: TestApp, brandId: string): Promise<void> {
  const chain = {
    enabled: true,
    chainId: 31337,
    rpcUrl: 'http://127.0.0.1:1',
    tokenAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    confirmations: 1,
  };
  await t.app
    .get(DataSource)
    .query(`UPDATE brands SET settings = jsonb_set(settings, '{chain}', $2::jsonb) WHERE id = $1`, [
      brandId,
      JSON.stringify(chain),
    ]);
  t.app.get(BrandKeyCache).forgetBrand(brandId);
}
