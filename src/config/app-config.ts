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
});

export class ConfigError extends Error {}

/** Parses an environment; the first fault becomes one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`);
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
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
