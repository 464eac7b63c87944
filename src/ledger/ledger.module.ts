import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module.js';
import { LedgerController } from './ledger.controller.js';
import { MeLedgerController } from './me-ledger.controller.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';

@Module({
  imports: [MembersModule],
  controllers: [LedgerController, MeLedgerController],
  providers: [LedgerRepository, LedgerService],
  exports: [LedgerRepository, LedgerService],
})
export class LedgerModule {}
