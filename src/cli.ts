import { BrandsService } from './brands/brands.service.js';
import { createApp } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { runMigrations } from './database/migrations.js';
import { openDatabase } from './database/open-database.js';
import { createLogger } from './logging/logger.js';

const USAGE = `Usage:
  npm run cli -- brand:create "<name>"   create a brand; prints its secret key once
  npm run cli -- migration:run           apply pending migrations`;

/** Operator commands, against DATABASE_URL or the embedded database (shared with a running service). */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'brand:create' && command !== 'migration:run') {
    console.error(USAGE);
    return 2;
  }
  if (command === 'brand:create' && (!args[0] || args[0].trim().length === 0 || args[0].length > 200)) {
    console.error('brand:create needs a name of 1 to 200 characters');
    return 2;
  }
  // The CLI serves no HTTP and seals no secret: it needs neither the operator token nor SECRETS_KEY.
  const loaded = loadConfig({
    ...process.env,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || 'cli-does-not-serve-http',
    SECRETS_KEY: process.env.SECRETS_KEY || Buffer.alloc(32).toString('base64'),
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    SCHEDULER_ENABLED: 'false',
  });
  const config = { ...loaded, secretsKey: process.env.SECRETS_KEY ? loaded.secretsKey : null };
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    const applied = await runMigrations(database.url);
    if (command === 'migration:run') {
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations');
      return 0;
    }
    const app = await createApp({ config, databaseUrl: database.url, logger });
    try {
      const created = await app.get(BrandsService).createBrand(args[0].trim());
      console.log(JSON.stringify(created, null, 2));
      console.error(`\nStore the key now: it is shown only once.`);
    } finally {
      await app.close();
    }
    return 0;
  } finally {
    await database.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  },
);
