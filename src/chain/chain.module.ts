import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module.js';
import { ChainRepository } from './chain.repository.js';
import { MintTokensJob } from './mint-tokens.job.js';
import { MintsController } from './mints.controller.js';
import { TokensService } from './tokens.service.js';
import { WalletController } from './wallet.controller.js';
import { WalletsService } from './wallets.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

/** Optional on-chain rewards (DESIGN §6): the mint worker, wallet links, token reads. */
@Module({
  imports: [MembersModule, WebhooksModule],
  controllers: [WalletController, MintsController],
  providers: [ChainRepository, MintTokensJob, WalletsService, TokensService],
  exports: [MintTokensJob, TokensService],
})
export class ChainModule {}
