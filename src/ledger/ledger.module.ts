import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module.js';
import { LedgerController, MeLedgerController } from './ledger.controller.js';
import { MeController } from './me.controller.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

@Module({
  imports: [MembersModule, WebhooksModule],
  controllers: [LedgerController, MeLedgerController, MeController],
  providers: [LedgerRepository, LedgerService],
  exports: [LedgerRepository, LedgerService],
})
export class LedgerModule {}
