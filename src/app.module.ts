import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { BrandsModule } from './brands/brands.module.js';
import { AdminGuard } from './common/auth/admin.guard.js';
import { AllExceptionsFilter } from './common/errors/exception.filter.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { HealthController } from './health/health.controller.js';
import { RulesModule } from './rules/rules.module.js';
import { MembersModule } from './members/members.module.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { EventsModule } from './events/events.module.js';
import { StagesModule } from './journey/stages.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { TiersModule } from './tiers/tiers.module.js';
import { SECRET_BOX, SecretBox } from './secrets/secret-box.js';
import { RewardsModule } from './rewards/rewards.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { HooksModule } from './hooks/hooks.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { ChainCoreModule } from './chain/chain-core.module.js';
import { ChainModule } from './chain/chain.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** The resolved database: DATABASE_URL, or the embedded server's. */
  databaseUrl: string;
}

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    // No key means no secret can be sealed; the features that need one say so when asked.
    const box = config.secretsKey ? new SecretBox(config.secretsKey) : null;
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: SECRET_BOX, useValue: box }, AdminGuard],
      exports: [APP_CONFIG, SECRET_BOX, AdminGuard],
    };
  }
}

@Module({})
export class AppModule {
  static register({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false, // main.ts runs them under an advisory lock before Nest starts
          migrations: MIGRATIONS,
          extra: { max: 20 },
          logging: false,
        }),
        ...(config.schedulerEnabled ? [ScheduleModule.forRoot()] : []),
        ChainCoreModule,
        BrandsModule,
        RulesModule,
        MembersModule,
        LedgerModule,
        EventsModule,
        StagesModule,
        ReferralsModule,
        TiersModule,
        RewardsModule,
        JobsModule,
        HooksModule,
        WebhooksModule,
        AnalyticsModule,
        ChainModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
