import { Injectable } from '@nestjs/common';
import { Contract, formatUnits } from 'ethers';
import { ChainClient } from './chain-client.js';
import type { ChainSettings } from './chain-settings.js';
import { ERC20_READ_ABI } from './loyalty-token-abi.js';

const TTL_MS = 60_000;

export interface TokenBalance {
  /** Whole tokens, a decimal string. */
  balance: string;
  raw: bigint;
  symbol: string;
  decimals: number;
}

/**
 * Balances read on chain through a plain ERC-20 ABI (what any wallet shows), cached 60 s per
 * (chain, token, wallet); a confirmation in this process forgets the wallets it credited.
 */
@Injectable()
export class TokenBalances {
  private readonly cache = new Map<string, { at: number; value: TokenBalance }>();
  private readonly meta = new Map<string, { symbol: string; decimals: number }>();

  constructor(private readonly client: ChainClient) {}

  async of(chain: ChainSettings, wallet: string): Promise<TokenBalance> {
    const key = `${chain.chainId}:${chain.tokenAddress}:${wallet.toLowerCase()}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) {
      return hit.value;
    }
    const token = new Contract(chain.tokenAddress, ERC20_READ_ABI, this.client.provider(chain.rpcUrl, chain.chainId));
    const metaKey = `${chain.chainId}:${chain.tokenAddress}`;
    let meta = this.meta.get(metaKey);
    if (!meta) {
      meta = { symbol: (await token.symbol()) as string, decimals: Number(await token.decimals()) };
      this.meta.set(metaKey, meta);
    }
    const raw = (await token.balanceOf(wallet)) as bigint;
    const value = { balance: trimUnits(formatUnits(raw, meta.decimals)), raw, ...meta };
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  forget(chain: ChainSettings, wallets: string[]): void {
    for (const w of wallets) {
      this.cache.delete(`${chain.chainId}:${chain.tokenAddress}:${w.toLowerCase()}`);
    }
  }
}

/** formatUnits answers "1.0": whole numbers without ".0". */
function trimUnits(v: string): string {
  return v.endsWith('.0') ? v.slice(0, -2) : v;
}
