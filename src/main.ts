import { DemoHistoryService } from './analytics/demo-history.service.js';
import { BrandsService } from './brands/brands.service.js';
import { createApp } from './bootstrap.js';
import { RulesService } from './rules/rules.service.js';
import { type AppConfig, ConfigError, loadConfig } from './config/app-config.js';
import { runMigrations } from './database/migrations.js';
import { embeddedAdminToken, embeddedSecretsKey, openDatabase } from './database/open-database.js';
import { createLogger, logFormatFor } from './logging/logger.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel, undefined, logFormatFor(process.stdout.isTTY));
  const database = await openDatabase(config, logger);
  let shuttingDown = false;
  const stopDatabaseOnFailure = async (e: unknown) => {
    logger.fatal({ err: e }, 'start-up failed');
    await database.stop().catch(() => undefined);
    process.exit(1);
  };

  try {
    if (database.embedded && !config.adminToken) {
      const admin = embeddedAdminToken(config);
      config = { ...config, adminToken: admin.token };
    }
    if (database.embedded && !config.secretsKey) {
      config = { ...config, secretsKey: embeddedSecretsKey(config) };
    }
    const applied = await runMigrations(database.url);
    if (applied.length) {
      logger.info({ migrations: applied }, 'migrations applied');
    }

    const app = await createApp({ config, databaseUrl: database.url, logger });
    const demo = database.embedded
      ? await createDemoBrandOnFirstRun(app.get(BrandsService), app.get(RulesService), app.get(DemoHistoryService))
      : null;
    await app.listen({ port: config.port, host: config.host });

    // Nest closes first (drains requests, stops jobs), then the embedded database.
    const shutdown = async (signal: string) => {
      if (shuttingDown) {
        return;
      }
      shuttingDown = true;
      logger.info({ signal }, 'shutting down');
      await app.close().catch((e) => logger.error({ err: e }, 'close failed'));
      await database.stop().catch((e) => logger.error({ err: e }, 'database stop failed'));
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));

    printBanner(config, database.embedded, demo);
  } catch (e) {
    await stopDatabaseOnFailure(e);
  }
}

/**
 * The Demo brand starts with the loyalty-loop starter rules and autoEnroll, so the first curl already earns points,
 * and with three months of history, so the analytics and the console show a living loop.
 */
async function createDemoBrandOnFirstRun(
  brands: BrandsService,
  rules: RulesService,
  history: DemoHistoryService,
): Promise<string | null> {
  if ((await brands.countBrands()) > 0) {
    return null;
  }
  const created = await brands.createBrand('Demo');
  await rules.applyLoyaltyLoopTemplate(created.brand.id, created.brand.stages, 'first-run');
  // Events for new externalIds enrol them: the printed curl works without creating a member first.
  await brands.updateBrand(created.brand.id, { settings: { autoEnroll: true, pointValue: '0.01', inactiveDays: 30 } });
  await history.seed(created.brand.id);
  return created.apiKey.key;
}

/** What a newcomer needs to see the service answer: printed to the terminal, never to the log. */
function printBanner(config: AppConfig, embedded: boolean, demoKey: string | null): void {
  const base = `http://localhost:${config.port}`;
  const lines = [``, `Loyalty Loop is listening on ${base}  (API docs: ${base}/docs)`];
  if (embedded) {
    lines.push(
      `Database: embedded PostgreSQL in ${config.dataDir}/pg (port ${config.embeddedPgPort})`,
      `Operator token (ADMIN_TOKEN): ${config.adminToken}`,
    );
  }
  if (demoKey) {
    lines.push(
      `Created the "Demo" brand. Its secret key, shown only now: ${demoKey}`,
      `Its console (paste the key): ${base}/console`,
      `Try it:`,
      `  curl -s -H "Authorization: Bearer ${demoKey}" ${base}/v1/brand`,
      `  curl -s -X POST ${base}/v1/events -H "Authorization: Bearer ${demoKey}" -H 'Content-Type: application/json' \\`,
      `    -d '{"idempotencyKey":"demo-1","type":"purchase","member":{"externalId":"demo-member"},"attributes":{"amount":"25.00"}}'`,
    );
  }
  console.log(lines.join('\n') + '\n');
}

void main();
