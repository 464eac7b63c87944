import { Global, Module } from '@nestjs/common';
import { ChainClient } from './chain-client.js';
import { ChainSettingsVerifier } from './chain-settings.verifier.js';
import { TokenBalances } from './token-balances.js';

/** Global: the brand settings check the chain, the rewards read balances (token gates). */
@Global()
@Module({
  providers: [ChainClient, ChainSettingsVerifier, TokenBalances],
  exports: [ChainClient, ChainSettingsVerifier, TokenBalances],
})
export class ChainCoreModule {}
