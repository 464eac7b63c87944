import { Module } from '@nestjs/common';
import { StageChangesRepository } from './stage-changes.repository.js';

/** The stage history, written by every feature that moves members. */
@Module({
  providers: [StageChangesRepository],
  exports: [StageChangesRepository],
})
export class JourneyModule {}
