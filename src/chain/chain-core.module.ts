import { Global, Module } from '@nestjs/common';
import { ChainClient } from './chain-client.js';
import { ChainSettingsVerifier } from './chain-settings.verifier.js';
import { TokenBalances } from './token-balances.js';
import { TokenHoldings } from './token-holdings.js';

/** Global: the brand settings check the chain, the rewards read balances (token gates). */
@Global()
@Module({
  providers: [ChainClient, ChainSettingsVerifier, TokenBalances, TokenHoldings],
  exports: [ChainClient, ChainSettingsVerifier, TokenBalances, TokenHoldings],
})
export class ChainCoreModule {}
