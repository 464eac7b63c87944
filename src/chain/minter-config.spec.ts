import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/app-config.js';

const KEY = `0x${'ab'.repeat(32)}`;

describe('the minter key in the configuration', () => {
  it('comes from MINTER_PRIVATE_KEY or the file MINTER_KEY_FILE names; none means no minting', () => {
    expect(loadConfig({}).minterKey).toBeNull();
    expect(loadConfig({ MINTER_PRIVATE_KEY: KEY }).minterKey).toBe(KEY);
    const file = join(mkdtempSync(join(tmpdir(), 'minter-')), 'key');
    writeFileSync(file, `${KEY}\n`);
    expect(loadConfig({ MINTER_KEY_FILE: file }).minterKey).toBe(KEY);
  });

  it('refuses a malformed key without echoing it, and both sources at once', () => {
    const bad = `0x${'zz'.repeat(32)}`;
    const error = (() => {
      try {
        loadConfig({ MINTER_PRIVATE_KEY: bad });
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(/MINTER_PRIVATE_KEY must hold a private key/);
    expect(error!.message).not.toContain('zz');
    expect(() => loadConfig({ MINTER_PRIVATE_KEY: KEY, MINTER_KEY_FILE: '/nonexistent' })).toThrow(/not both/);
    expect(() => loadConfig({ MINTER_KEY_FILE: '/nonexistent/key' })).toThrow(/cannot be read/);
  });

  it('refuses the crash hook in production', () => {
    expect(loadConfig({ MINT_CRASH_AT: 'after-sign' }).mintCrashAt).toBe('after-sign');
    expect(() => loadConfig({ MINT_CRASH_AT: 'after-sign', NODE_ENV: 'production' })).toThrow(/test hook/);
  });
});
