import { Contract, getAddress, hexlify, randomBytes } from 'ethers';
import { ANVIL_KEYS, type Anvil, deployToken, startAnvil } from '../support/anvil.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sqlClient } from './support/db-checks.js';
import { CheckedCalls } from './support/server-calls.js';
import { killAllServers, type ServerProcess, startServerProcess } from './support/server-process.js';

const ADMIN_TOKEN = 'chain-crash-admin-token-0123456789';
const MINTER_KEY = ANVIL_KEYS[0];
const SLOW = 180_000;

/**
 * The built server SIGKILLed inside the mint worker (MINT_CRASH_AT, a test-only hook that makes
 * the process kill itself exactly there: a kill from outside could not hit that instant), then
 * restarted: each mint lands on chain exactly once and its rows end confirmed.
 */
describe('mint worker crashes (e2e, real process, real anvil)', () => {
  let anvil: Anvil;
  let db: TestDatabase;
  let sql: ReturnType<typeof sqlClient>;
  let token: string;

  beforeAll(async () => {
    anvil = await startAnvil();
    token = await deployToken(anvil, MINTER_KEY);
    db = await createTestDatabase();
    sql = sqlClient(db.url);
  }, SLOW);
  afterAll(async () => {
    await killAllServers();
    await sql?.end();
    await db?.drop();
    await anvil?.stop();
  }, SLOW);

  const start = (crashAt?: string) =>
    startServerProcess({
      databaseUrl: db.url,
      adminToken: ADMIN_TOKEN,
      env: { MINTER_PRIVATE_KEY: MINTER_KEY, LOG_LEVEL: 'info', ...(crashAt ? { MINT_CRASH_AT: crashAt } : {}) },
    });

  const calls = new CheckedCalls();
  const call = (server: ServerProcess, method: string, path: string, auth: string, body?: unknown) =>
    calls.call(server, method, path, auth, body, 30_000);

  /** Runs the mint job on a server started to die at `point`; answers once it is dead. */
  async function crashAt(point: string): Promise<void> {
    const doomed = await start(point);
    await call(doomed, 'POST', '/v1/admin/jobs/mint-tokens/run', ADMIN_TOKEN, {}).catch(() => null);
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
  }

  const mintRows = async (brandId: string) =>
    sql.query(`SELECT status, tx_id, tx_hash FROM token_mints WHERE brand_id = $1 ORDER BY created_at`, [brandId]);
  const balance = async (wallet: string) =>
    (await new Contract(token, ['function balanceOf(address) view returns (uint256)'], anvil.provider).balanceOf(
      wallet,
    )) as bigint;

  it(
    'killed after signing (before broadcast) and after broadcast (before the receipt): every mint lands once',
    async () => {
      let server = await start();
      const created = await call(server, 'POST', '/v1/admin/brands', ADMIN_TOKEN, { name: 'Chain crash' });
      const brandId: string = created.body.brand.id;
      const key: string = created.body.apiKey.key;
      const patch = await call(server, 'PATCH', '/v1/brand', key, {
        settings: {
          chain: { enabled: true, chainId: 31337, rpcUrl: anvil.url, tokenAddress: token, confirmations: 1 },
        },
      });
      expect(patch.status).toBe(200);
      expect(
        (
          await call(server, 'POST', '/v1/rules', key, {
            name: 'T',
            event: 'share',
            reward: { token: { amount: '2' } },
          })
        ).status,
      ).toBe(201);
      const wallet = getAddress(hexlify(randomBytes(20)));
      expect((await call(server, 'PUT', '/v1/members/crash-1', key, { walletAddress: wallet })).status).toBe(201);
      const share = (k: string) =>
        call(server, 'POST', '/v1/events', key, {
          idempotencyKey: k,
          type: 'share',
          member: { externalId: 'crash-1' },
        });
      expect((await share('share-1')).status).toBe(201);
      await server.kill();

      // 1. dies right after the signed transaction was committed, before it was sent
      await crashAt('after-sign');
      expect((await mintRows(brandId)).map((r) => r.status)).toEqual(['signed']);
      expect(await balance(wallet)).toBe(0n);
      server = await start();
      expect((await call(server, 'POST', '/v1/admin/jobs/mint-tokens/run', ADMIN_TOKEN, {})).body.status).toBe('ok');
      expect((await mintRows(brandId)).map((r) => r.status)).toEqual(['confirmed']);
      expect(await balance(wallet)).toBe(2n * 10n ** 18n);

      // 2. dies right after broadcasting, before it saw the receipt (anvil mined it at once)
      expect((await share('share-2')).status).toBe(201);
      await server.kill();
      await crashAt('after-broadcast');
      expect((await mintRows(brandId)).map((r) => r.status)).toEqual(['confirmed', 'signed']);
      expect(await balance(wallet)).toBe(4n * 10n ** 18n);
      server = await start();
      expect((await call(server, 'POST', '/v1/admin/jobs/mint-tokens/run', ADMIN_TOKEN, {})).body.status).toBe('ok');
      const rows = await mintRows(brandId);
      expect(rows.map((r) => r.status)).toEqual(['confirmed', 'confirmed']);
      expect(await balance(wallet)).toBe(4n * 10n ** 18n);

      // one transaction per mint, each signed once (the restart broadcast the stored raw transaction)
      const txs = await sql.query(
        `SELECT nonce, jsonb_array_length(attempts) AS attempts, status FROM mint_transactions`,
      );
      expect(txs.map((t) => [Number(t.attempts), t.status])).toEqual([
        [1, 'confirmed'],
        [1, 'confirmed'],
      ]);
      for (const r of rows) {
        const receipt = await anvil.provider.getTransactionReceipt(r.tx_hash as string);
        expect(receipt?.status).toBe(1);
      }
      // and nothing in the logs of a server that held the key shows it
      expect(server.output()).not.toContain(MINTER_KEY.slice(2));
      await server.kill();
    },
    SLOW,
  );

  it('every answer the servers gave is one the OpenAPI document declares', () => {
    expect(calls.violations).toEqual([]);
  });
});
