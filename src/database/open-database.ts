import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { newSecret } from '../common/secret-token.js';
import { newSecretsKey } from '../secrets/secret-box.js';
import type { AppConfig } from '../config/app-config.js';
import { startEmbeddedDatabase } from './embedded-database.js';

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server (a no-op for a server database). */
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const started = Date.now();
  const db = await startEmbeddedDatabase({
    dataDir: config.dataDir,
    port: config.embeddedPgPort,
    database: 'loyalty',
    onLog: (line) => logger.debug({ postgres: line }),
  });
  logger.info(
    { port: config.embeddedPgPort, dataDir: path.resolve(config.dataDir), ms: Date.now() - started },
    'embedded PostgreSQL ready',
  );
  return { url: db.url, embedded: true, stop: db.stop };
}

/**
 * In embedded mode without ADMIN_TOKEN, the operator token is generated once and kept
 * in DATA_DIR (mode 0600), so it stays the same across restarts.
 */
export function embeddedAdminToken(config: AppConfig): { token: string; generated: boolean } {
  const file = path.resolve(config.dataDir, 'admin-token');
  if (existsSync(file)) {
    return { token: readFileSync(file, 'utf8').trim(), generated: false };
  }
  const token = newSecret('adm_');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}

/** In embedded mode without SECRETS_KEY, the key is generated once and kept in DATA_DIR (mode 0600). */
export function embeddedSecretsKey(config: AppConfig): Buffer {
  const file = path.resolve(config.dataDir, 'secrets-key');
  if (!existsSync(file)) {
    writeFileSync(file, `${newSecretsKey()}\n`, { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
