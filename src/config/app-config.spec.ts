import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('applies defaults for embedded mode', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      adminToken: null,
      embeddedPgPort: 54329,
      logLevel: 'info',
      webhookAllowPrivateTargets: false,
    });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhookAllowPrivateTargets).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT must be a port number/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 16/],
    [{ DATABASE_URL: 'postgres://u@h/db' }, /ADMIN_TOKEN is required/],
    [{ DATABASE_URL: 'postgres://u@h/db', ADMIN_TOKEN: 'x'.repeat(20) }, /SECRETS_KEY is required/],
    [{ SECRETS_KEY: 'c2hvcnQ=' }, /SECRETS_KEY must be 32 bytes/],
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' }, /WEBHOOK_ALLOW_PRIVATE_TARGETS/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes a server database with an operator token', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@h/db',
      ADMIN_TOKEN: 'x'.repeat(20),
      SECRETS_KEY: key,
      PORT: '8080',
    });
    expect(c).toMatchObject({ databaseUrl: 'postgres://u@h/db', port: 8080 });
    expect(c.secretsKey?.length).toBe(32);
  });
});
