import { Injectable } from '@nestjs/common';
import { Contract, getAddress } from 'ethers';
import { ChainClient } from './chain-client.js';
import { openProvider } from './chain-client.js';
import { ChainErrors } from './chain-errors.js';
import type { ChainSettings } from './chain-settings.js';
import { LOYALTY_TOKEN_ABI, MINTER_ROLE } from './loyalty-token-abi.js';

/**
 * What enabling a brand's chain checks before it is saved: the RPC answers with that chain id,
 * the token address holds code, and the service's signer holds MINTER_ROLE there.
 */
@Injectable()
export class ChainSettingsVerifier {
  constructor(private readonly client: ChainClient) {}

  /**
   * The merged settings.chain of a PATCH, complete and normalised (EIP-55 address); checked
   * against the chain when it is enabled, else 400 naming what failed.
   */
  async check(merged: Partial<ChainSettings>): Promise<ChainSettings> {
    for (const key of ['chainId', 'rpcUrl', 'tokenAddress'] as const) {
      if (merged.enabled && merged[key] === undefined) {
        throw ChainErrors.settingsInvalid(key, 'is required to enable the chain');
      }
    }
    const chain: ChainSettings = {
      enabled: merged.enabled ?? false,
      chainId: merged.chainId ?? 0,
      rpcUrl: merged.rpcUrl ?? '',
      tokenAddress: merged.tokenAddress ? getAddress(merged.tokenAddress.toLowerCase()) : '',
      confirmations: merged.confirmations ?? 1,
    };
    if (chain.enabled) {
      await this.verify(chain);
    }
    return chain;
  }

  private async verify(chain: ChainSettings): Promise<void> {
    const signer = this.client.signerAddress;
    if (!signer) {
      throw ChainErrors.settingsInvalid(
        'enabled',
        'the service has no minter key (MINTER_PRIVATE_KEY or MINTER_KEY_FILE in its environment)',
      );
    }
    const provider = openProvider(chain.rpcUrl, chain.chainId); // a fixed network: no detection loop left running
    try {
      let chainId: number;
      try {
        chainId = Number(await provider.send('eth_chainId', []));
      } catch (e) {
        throw ChainErrors.settingsInvalid('rpcUrl', `does not answer JSON-RPC (${short(e)})`);
      }
      if (chainId !== chain.chainId) {
        throw ChainErrors.settingsInvalid('chainId', `the RPC answers chain id ${chainId}, not ${chain.chainId}`);
      }
      if ((await provider.getCode(chain.tokenAddress)) === '0x') {
        throw ChainErrors.settingsInvalid('tokenAddress', `holds no contract code on chain ${chainId}`);
      }
      let minter = false;
      try {
        minter = (await new Contract(chain.tokenAddress, LOYALTY_TOKEN_ABI, provider).hasRole(
          MINTER_ROLE,
          signer,
        )) as boolean;
      } catch {
        minter = false;
      }
      if (!minter) {
        throw ChainErrors.settingsInvalid(
          'tokenAddress',
          `the signer ${signer} does not have MINTER_ROLE on this token`,
        );
      }
    } finally {
      provider.destroy();
    }
  }
}

function short(e: unknown): string {
  const err = e as { shortMessage?: string; message?: string };
  return (err.shortMessage ?? err.message ?? String(e)).slice(0, 200);
}
