import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression, Interval } from '@nestjs/schedule';
import { MintTokensJob } from '../chain/mint-tokens.job.js';
import { JobsService } from './jobs.service.js';

/**
 * When the jobs run by themselves. The @Cron marks only take effect where ScheduleModule is
 * loaded (SCHEDULER_ENABLED); every instance schedules them and the advisory lock lets one run.
 */
@Injectable()
export class JobsScheduler {
  private readonly logger = new Logger('JobsScheduler');

  constructor(
    private readonly jobs: JobsService,
    private readonly mintTokens: MintTokensJob,
  ) {}

  private minting = false;

  /** Every 5 s when the outbox has work, unless the last run failed (an RPC down): then it backs off exponentially. */
  @Interval('mint-tokens', 5_000)
  async mintTokensTick(): Promise<void> {
    if (this.minting || !this.mintTokens.due()) {
      return;
    }
    this.minting = true;
    try {
      if (await this.mintTokens.hasWork()) {
        await this.runQuietly('mint-tokens');
      }
    } catch (e) {
      this.logger.error({ msg: 'mint-tokens could not look at its outbox', err: e });
    } finally {
      this.minting = false;
    }
  }

  // every minute: the analytics read live only what came in since (see AnalyticsRollupJob)
  @Cron(CronExpression.EVERY_MINUTE, { name: 'analytics-rollup', waitForCompletion: true })
  analyticsRollup(): Promise<void> {
    return this.runQuietly('analytics-rollup');
  }

  @Cron(CronExpression.EVERY_5_MINUTES, { name: 'mature-points', waitForCompletion: true })
  maturePoints(): Promise<void> {
    return this.runQuietly('mature-points');
  }

  // Hourly, though findings change by the day: every local day of every brand's time zone then
  // holds a scan (a nightly UTC run can miss a day across a DST change), and a rerun is cheap.
  @Cron('0 17 * * * *', { name: 'retention-scan', waitForCompletion: true })
  retentionScan(): Promise<void> {
    return this.runQuietly('retention-scan');
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'expire-points', waitForCompletion: true })
  expirePoints(): Promise<void> {
    return this.runQuietly('expire-points');
  }

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'recalculate-tiers', waitForCompletion: true })
  recalculateTiers(): Promise<void> {
    return this.runQuietly('recalculate-tiers');
  }

  /** A run's failure is in its record; this catches only what kept it from being recorded. */
  private async runQuietly(name: string): Promise<void> {
    try {
      await this.jobs.run(name);
    } catch (e) {
      this.logger.error({ msg: 'scheduled job could not run', job: name, err: e });
    }
  }
}
