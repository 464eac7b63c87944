import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { FetchRequest, JsonRpcProvider, Network, Wallet } from 'ethers';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const RPC_TIMEOUT_MS = 10_000;

/**
 * The service's side of a chain: one provider per RPC URL and the minter's wallet. The wallet
 * signs offline (it has no provider), so every nonce is ours, from the database's sequence.
 */
@Injectable()
export class ChainClient implements OnModuleDestroy {
  private readonly providers = new Map<string, JsonRpcProvider>();
  private readonly wallet: Wallet | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.wallet = config.minterKey ? new Wallet(config.minterKey) : null;
  }

  /** The minter's address, or null when the service has no key (no brand can mint then). */
  get signerAddress(): string | null {
    return this.wallet?.address ?? null;
  }

  get signer(): Wallet | null {
    return this.wallet;
  }

  provider(rpcUrl: string, chainId: number): JsonRpcProvider {
    const key = `${chainId}|${rpcUrl}`;
    let provider = this.providers.get(key);
    if (!provider) {
      provider = openProvider(rpcUrl, chainId);
      this.providers.set(key, provider);
    }
    return provider;
  }

  onModuleDestroy(): void {
    for (const p of this.providers.values()) {
      p.destroy();
    }
    this.providers.clear();
  }
}

/**
 * ethers caches identical calls for 250 ms (eth_getTransactionCount included) and would probe the
 * network on every reconnect: no cache, a fixed network, a bounded timeout.
 */
export function openProvider(rpcUrl: string, chainId?: number): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = RPC_TIMEOUT_MS;
  return chainId === undefined
    ? new JsonRpcProvider(request, undefined, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    : new JsonRpcProvider(request, Network.from(chainId), {
        staticNetwork: Network.from(chainId),
        cacheTimeout: -1,
        batchMaxCount: 1,
      });
}
