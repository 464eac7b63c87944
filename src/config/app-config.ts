import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The validated environment. Read once at start; nothing else reads process.env. */
export interface AppConfig {
  port: number;
  host: string;
  /** Set: that PostgreSQL server. Unset: an embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  /** Operator token for /v1/admin; generated at start in embedded mode when unset. */
  adminToken: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dataDir: string;
  embeddedPgPort: number;
  bodyLimitBytes: number;
  /** Requests per minute a single API key (or client address) may make. */
  rateLimitPerMinute: number;
  memberTokenTtlSeconds: number;
  /** Off in tests that move the clock themselves. */
  schedulerEnabled: boolean;
  /** Where /r/{code} sends a visitor whose code names nobody (no brand is known then); null: 404. */
  referralFallbackUrl: string | null;
  /** Clicks on /r/{code} one client address may make per minute. */
  referralClicksPerMinute: number;
  /** AES-256-GCM key for secrets read back (SECRETS_KEY); generated in embedded mode when unset. */
  secretsKey: Buffer | null;
  /** Webhooks may go to loopback and private addresses, and over plain http (local development, tests). */
  webhookAllowPrivateTargets: boolean;
  /** The chain minter's key (MINTER_PRIVATE_KEY or the file MINTER_KEY_FILE names); null: no brand can mint. */
  minterKey: string | null;
  /**
   * Test-only (refused in production): the mint worker SIGKILLs its own process at this point,
   * so the crash suites stop it exactly between signing and broadcasting, or broadcasting and the receipt.
   */
  mintCrashAt: 'after-sign' | 'after-broadcast' | null;
  /** Seconds a broadcast mint may stay unmined before it is replaced at the same nonce with a higher fee. */
  mintStuckSeconds: number;
}

const port = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1, 'must be a port number 1-65535')
    .max(65535, 'must be a port number 1-65535')
    .default(fallback);

const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port(54329),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60000),
  MEMBER_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(3600),
  SCHEDULER_ENABLED: boolean(true),
  REFERRAL_FALLBACK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  REFERRAL_CLICKS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  SECRETS_KEY: z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32,
      'must be 32 bytes, base64 (openssl rand -base64 32)',
    )
    .optional(),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: boolean(false),
  MINTER_PRIVATE_KEY: z.string().optional(),
  MINTER_KEY_FILE: z.string().min(1).optional(),
  MINT_CRASH_AT: z.enum(['after-sign', 'after-broadcast']).optional(),
  MINT_STUCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  NODE_ENV: z.string().optional(),
});

const MINTER_KEY = /^0x[0-9a-fA-F]{64}$/;

/** The key from the environment or its file; never echoed in an error (only the variable's name). */
function minterKey(e: { MINTER_PRIVATE_KEY?: string; MINTER_KEY_FILE?: string }): string | null {
  if (e.MINTER_PRIVATE_KEY && e.MINTER_KEY_FILE) {
    throw new ConfigError('Invalid configuration: set MINTER_PRIVATE_KEY or MINTER_KEY_FILE, not both');
  }
  let key: string;
  if (e.MINTER_PRIVATE_KEY) {
    key = e.MINTER_PRIVATE_KEY.trim();
  } else if (e.MINTER_KEY_FILE) {
    try {
      key = readFileSync(e.MINTER_KEY_FILE, 'utf8').trim();
    } catch {
      throw new ConfigError(`Invalid configuration: MINTER_KEY_FILE cannot be read (${e.MINTER_KEY_FILE})`);
    }
  } else {
    return null;
  }
  if (!MINTER_KEY.test(key)) {
    const name = e.MINTER_PRIVATE_KEY ? 'MINTER_PRIVATE_KEY' : 'MINTER_KEY_FILE';
    throw new ConfigError(`Invalid configuration: ${name} must hold a private key, 0x and 64 hex digits`);
  }
  return key;
}

export class ConfigError extends Error {}

/** Parses an environment; the first fault becomes one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    // a key's value never goes into an error message
    const got = name.startsWith('MINTER_') ? '' : ` (got ${JSON.stringify(env[name] ?? null)})`;
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${got}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.ADMIN_TOKEN) {
    throw new ConfigError(
      'Invalid configuration: ADMIN_TOKEN is required when DATABASE_URL is set (the operator token for /v1/admin)',
    );
  }
  if (e.DATABASE_URL && !e.SECRETS_KEY) {
    throw new ConfigError(
      'Invalid configuration: SECRETS_KEY is required when DATABASE_URL is set (32 bytes, base64: openssl rand -base64 32)',
    );
  }
  if (e.MINT_CRASH_AT && e.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: MINT_CRASH_AT is a test hook, refused when NODE_ENV=production');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    adminToken: e.ADMIN_TOKEN ?? null,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    memberTokenTtlSeconds: e.MEMBER_TOKEN_TTL_SECONDS,
    schedulerEnabled: e.SCHEDULER_ENABLED,
    referralFallbackUrl: e.REFERRAL_FALLBACK_URL ?? null,
    referralClicksPerMinute: e.REFERRAL_CLICKS_PER_MINUTE,
    secretsKey: e.SECRETS_KEY ? Buffer.from(e.SECRETS_KEY, 'base64') : null,
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    minterKey: minterKey(e),
    mintCrashAt: e.MINT_CRASH_AT ?? null,
    mintStuckSeconds: e.MINT_STUCK_SECONDS,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
