import { Contract, getAddress, hexlify, Interface, randomBytes, Transaction, Wallet } from 'ethers';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SiweMessage } from 'siwe';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { createLogger } from '../src/logging/logger.js';
import { MINTER_ROLE } from '../src/chain/loyalty-token-abi.js';
import { ANVIL_KEYS, type Anvil, deployToken, startAnvil, TOKEN_ABI } from './support/anvil.js';
import { createBrand, createMember, event, type TestBrand } from './support/factories.js';
import { ADMIN_TOKEN, SECRETS_KEY } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import request from 'supertest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';

const MINTER_KEY = ANVIL_KEYS[0];
const minter = new Wallet(MINTER_KEY);
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
/** Only balanceOf/decimals/symbol: what any wallet reads, nothing of ours. */
const PLAIN_ERC20 = [
  'function balanceOf(address) view returns (uint256)',
  'function decimals() view returns (uint8)',
  'function symbol() view returns (string)',
];
const DOMAIN = 'shop.example.com';
/** The machine is shared: room for a slow start, no timing asserted. */
const SLOW = 120_000;

describe('on-chain tokens (e2e, real anvil)', () => {
  let anvil: Anvil;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let token: string;
  let log = '';
  const stateFile = join(mkdtempSync(join(tmpdir(), 'anvil-')), 'state.json');
  const http = () => request(app.getHttpServer() as Server);

  beforeAll(async () => {
    // --state: the chain survives a stop and restart (the "RPC down" case)
    anvil = await startAnvil({ args: ['--state', stateFile] });
    token = await deployToken(anvil, MINTER_KEY);
    db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      ADMIN_TOKEN,
      SECRETS_KEY,
      LOG_LEVEL: 'debug',
      SCHEDULER_ENABLED: 'false',
      MINTER_PRIVATE_KEY: MINTER_KEY,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', // an endpoint on loopback hears of confirmed mints
      MINT_STUCK_SECONDS: '1', // only the stuck-transaction case leaves one unmined (automine off)
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString('utf8');
        done();
      },
    });
    app = await createApp({ config, databaseUrl: db.url, logger: createLogger('debug', sink) });
  }, SLOW);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await anvil?.stop();
  }, SLOW);

  const t = () => ({ http }) as never;
  const runMint = async () =>
    (await http().post('/v1/admin/jobs/mint-tokens/run').set(admin).send({}).expect(200)).body;
  const chainSettings = (over: Record<string, unknown> = {}) => ({
    enabled: true,
    chainId: 31337,
    rpcUrl: anvil.url,
    tokenAddress: token.toLowerCase(),
    confirmations: 1,
    ...over,
  });
  const enableChain = (brand: TestBrand, over: Record<string, unknown> = {}) =>
    http()
      .patch('/v1/brand')
      .set(brand.auth)
      .send({ settings: { chain: chainSettings(over), siweDomain: DOMAIN } });
  const memberToken = async (brand: TestBrand, externalId: string): Promise<string> =>
    (await http().post(`/v1/members/${externalId}/token`).set(brand.auth).send({}).expect(201)).body.token;
  const tokenRule = (amount = '1.5') => ({ name: 'Token per share', event: 'share', reward: { token: { amount } } });

  async function signedLink(mt: string, wallet: Pick<Wallet, 'address' | 'signMessage'>) {
    const challenge = await http()
      .post('/v1/me/wallet/challenge')
      .set('Authorization', `Bearer ${mt}`)
      .send({ address: wallet.address.toLowerCase() })
      .expect(201);
    return { message: challenge.body.message as string, signature: await wallet.signMessage(challenge.body.message) };
  }
  const link = (mt: string, body: object) =>
    http().post('/v1/me/wallet').set('Authorization', `Bearer ${mt}`).send(body);

  async function brandWithTokens(): Promise<TestBrand> {
    const brand = await createBrand(t());
    await enableChain(brand).expect(200);
    await http().post('/v1/rules').set(brand.auth).send(tokenRule()).expect(201);
    return brand;
  }

  it(
    'checks chain settings on chain before saving and shows the signer, never its key',
    async () => {
      const brand = await createBrand(t());
      const path = async (over: Record<string, unknown>) => {
        const res = await enableChain(brand, over).expect(400);
        return res.body.details?.[0]?.path as string;
      };
      expect(await path({ chainId: 1 })).toBe('settings.chain.chainId');
      expect(await path({ tokenAddress: Wallet.createRandom().address })).toBe('settings.chain.tokenAddress');
      const foreign = await deployToken(anvil, ANVIL_KEYS[3]); // the signer holds no MINTER_ROLE there
      const noRole = await enableChain(brand, { tokenAddress: foreign }).expect(400);
      expect(noRole.body.message).toContain('MINTER_ROLE');
      expect(await path({ rpcUrl: 'http://127.0.0.1:1' })).toBe('settings.chain.rpcUrl');
      // a token rule is refused while the chain is off
      const refused = await http().post('/v1/rules').set(brand.auth).send(tokenRule()).expect(400);
      expect(refused.body.details[0].path).toBe('reward.token');

      const saved = await enableChain(brand).expect(200);
      expect(saved.body.settings.chain).toEqual({ ...chainSettings(), tokenAddress: token });
      const got = await http().get('/v1/brand').set(brand.auth).expect(200);
      expect(got.body.chainSigner).toBe(minter.address);
      expect(JSON.stringify(got.body)).not.toContain(MINTER_KEY.slice(2));
    },
    SLOW,
  );

  it(
    'event → awaiting_wallet → SIWE link queues it → worker mints → balance read by a plain ERC-20 equals /v1/me/tokens',
    async () => {
      const brand = await brandWithTokens();
      await http()
        .post('/v1/webhook-endpoints')
        .set(brand.auth)
        .send({ url: 'http://127.0.0.1:9/hooks', events: ['token.minted'] })
        .expect(201);
      const m = await createMember(t(), brand);
      const first = await http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
      const effect = first.body.effects.find((e: { type: string }) => e.type === 'token');
      expect(effect).toMatchObject({ type: 'token', amount: '1.5', status: 'awaiting_wallet' });
      await runMint(); // nothing to mint without a wallet
      const wallet = Wallet.createRandom();
      const mt = await memberToken(brand, m.externalId);
      const linked = await link(mt, await signedLink(mt, wallet)).expect(201);
      expect(linked.body).toEqual({ walletAddress: wallet.address, mintsQueued: 1 });
      const second = await http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
      expect(second.body.effects.find((e: { type: string }) => e.type === 'token').status).toBe('queued');

      const run = await runMint();
      expect(run.status).toBe('ok');
      const mints = (await http().get(`/v1/members/${m.id}/mints`).set(brand.auth).expect(200)).body.data;
      expect(mints.map((x: { status: string }) => x.status)).toEqual(['confirmed', 'confirmed']);
      expect(mints[0].txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(mints[0].blockNumber).toBeGreaterThan(0);

      // each confirmed mint is a token.minted message, written in the transaction that confirmed it
      const messages = (await app
        .get(DataSource)
        .query(`SELECT payload FROM webhook_messages WHERE brand_id = $1 AND type = 'token.minted'`, [
          brand.id,
        ])) as Array<{
        payload: { data: Record<string, unknown> };
      }>;
      expect(
        messages.map((x) => x.payload.data).sort((a, b) => String(a.mintId).localeCompare(String(b.mintId))),
      ).toEqual(
        [...mints]
          .sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id))
          .map((x: { id: string; txHash: string; blockNumber: number }) => ({
            member: expect.objectContaining({ id: m.id, externalId: m.externalId }),
            mintId: x.id,
            amount: '1.5',
            walletAddress: wallet.address,
            txHash: x.txHash,
            blockNumber: x.blockNumber,
          })),
      );

      const plain = new Contract(token, PLAIN_ERC20, anvil.provider);
      const onChain = (await plain.balanceOf(wallet.address)) as bigint;
      expect(onChain).toBe(3n * 10n ** 18n);
      const mine = await http().get('/v1/me/tokens').set('Authorization', `Bearer ${mt}`).expect(200);
      expect(mine.body).toEqual({
        walletAddress: wallet.address,
        balance: '3',
        symbol: await plain.symbol(),
        decimals: Number(await plain.decimals()),
        pending: [],
      });
    },
    SLOW,
  );

  it(
    'SIWE: replayed nonce, expired, other domain, other signer, lower-case address are refused; a wallet links once per brand',
    async () => {
      const brand = await brandWithTokens();
      const [a, b] = [await createMember(t(), brand), await createMember(t(), brand)];
      const [mtA, mtB] = [await memberToken(brand, a.externalId), await memberToken(brand, b.externalId)];
      const wallet = Wallet.createRandom();
      const walletOf = async (externalId: string) =>
        (await http().get(`/v1/members/${externalId}`).set(brand.auth).expect(200)).body.walletAddress;

      // another signer
      const good = await signedLink(mtA, wallet);
      const garbled = await link(mtA, { message: 'not a sign-in message', signature: good.signature }).expect(400);
      expect(garbled.body).toMatchObject({
        code: 'wallet.challenge_invalid',
        message: 'The signed message is not a valid challenge: not an EIP-4361 message',
      });
      const stranger = Wallet.createRandom();
      await link(mtA, { message: good.message, signature: await stranger.signMessage(good.message) }).expect(400);
      // another domain, signed by the right wallet, same nonce
      const other = new SiweMessage(good.message);
      other.domain = 'evil.example.com';
      await link(mtA, {
        message: other.prepareMessage(),
        signature: await wallet.signMessage(other.prepareMessage()),
      }).expect(400);
      // a lower-case address in the message
      const lower = good.message.replace(wallet.address, wallet.address.toLowerCase());
      await link(mtA, { message: lower, signature: await wallet.signMessage(lower) }).expect(400);
      // expired: a message whose expiration time has passed
      const expired = new SiweMessage(good.message);
      expired.expirationTime = new Date(Date.now() - 1000).toISOString();
      expired.issuedAt = new Date(Date.now() - 60_000).toISOString();
      const expiredText = expired.prepareMessage();
      await link(mtA, { message: expiredText, signature: await wallet.signMessage(expiredText) }).expect(400);
      expect(await walletOf(a.externalId)).toBeNull();

      // the good one links; the same nonce again is refused
      await link(mtA, good).expect(201);
      expect(await walletOf(a.externalId)).toBe(wallet.address);
      await http().delete('/v1/me/wallet').set('Authorization', `Bearer ${mtA}`).expect(204);
      await link(mtA, good).expect(400);
      expect(await walletOf(a.externalId)).toBeNull();
      await link(mtA, await signedLink(mtA, wallet)).expect(201);

      // the same wallet for a second member of the brand
      await link(mtB, await signedLink(mtB, wallet)).expect(409);
      expect(await walletOf(b.externalId)).toBeNull();
    },
    SLOW,
  );

  it(
    '250 queued mints go out as 3 batch transactions, every member credited exactly once',
    async () => {
      const brand = await brandWithTokens();
      const wallets = Array.from({ length: 250 }, () => getAddress(hexlify(randomBytes(20))));
      const members = [];
      for (let i = 0; i < wallets.length; i += 25) {
        members.push(
          ...(await Promise.all(
            wallets
              .slice(i, i + 25)
              .map((w, j) => createMember(t(), brand, { walletAddress: w }, `batch-${brand.id.slice(0, 8)}-${i + j}`)),
          )),
        );
      }
      const answer = await http()
        .post('/v1/events/batch')
        .set(brand.auth)
        .send({ events: members.map((m) => event(m, 'share')) })
        .expect(200);
      expect(answer.body.results.every((r: { status: number }) => r.status === 201)).toBe(true);
      const run = await runMint();
      expect(run.processed).toMatchObject({ transactions: 3, signed: 250, confirmed: 250 });
      const sql = app.get(DataSource);
      const txs = await sql.query(
        `SELECT count(DISTINCT tx_id)::int AS txs, count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed
         FROM token_mints WHERE brand_id = $1`,
        [brand.id],
      );
      expect(txs[0]).toEqual({ txs: 3, confirmed: 250 });
      const plain = new Contract(token, PLAIN_ERC20, anvil.provider);
      for (const w of wallets) {
        expect(await plain.balanceOf(w)).toBe(15n * 10n ** 17n);
      }
    },
    SLOW,
  );

  it(
    'RPC down mid-run: the run fails and backs off, nothing is lost; after the restart everything is minted once',
    async () => {
      const brand = await brandWithTokens();
      const wallet = Wallet.createRandom().address;
      const m = await createMember(t(), brand, { walletAddress: wallet });
      await anvil.stop();
      await http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
      const failed = await runMint();
      expect(failed.status).toBe('failed');
      expect(failed.processed.backoffMs).toBeGreaterThan(0);
      const jobs = await http().get('/v1/admin/jobs?name=mint-tokens').set(admin).expect(200);
      expect(jobs.body.data[0]).toMatchObject({ status: 'failed' });
      expect(jobs.body.data[0].error).toContain('chain unavailable');
      const port = anvil.port;
      anvil = await startAnvil({ port, args: ['--state', stateFile] });
      expect((await runMint()).status).toBe('ok');
      expect(await new Contract(token, PLAIN_ERC20, anvil.provider).balanceOf(wallet)).toBe(15n * 10n ** 17n);
      expect((await runMint()).status).toBe('ok'); // a rerun mints nothing more
      expect(await new Contract(token, PLAIN_ERC20, anvil.provider).balanceOf(wallet)).toBe(15n * 10n ** 17n);
    },
    SLOW,
  );

  it(
    'token gate: below the minimum the reward answers token_gate and redemption is refused; above it redeems',
    async () => {
      const brand = await createBrand(t());
      await enableChain(brand).expect(200);
      await http()
        .post('/v1/rules')
        .set(brand.auth)
        .send({ name: 'Share pays', event: 'share', reward: { points: { fixed: 50 }, token: { amount: '1.5' } } })
        .expect(201);
      const reward = await http()
        .post('/v1/rewards')
        .set(brand.auth)
        .send({ name: 'Holders lounge', kind: 'perk', costPoints: 10, perkText: 'VIP', tokenGate: { minBalance: '2' } })
        .expect(201);
      expect(reward.body.tokenGate).toEqual({ minBalance: '2' });
      const m = await createMember(t(), brand, { walletAddress: getAddress(hexlify(randomBytes(20))) });
      const mt = await memberToken(brand, m.externalId);
      const asMember = { Authorization: `Bearer ${mt}` };
      const catalog = async () =>
        (await http().get('/v1/me/rewards').set(asMember).expect(200)).body.data.find(
          (r: { id: string }) => r.id === reward.body.id,
        );
      const redeem = (key: string) =>
        http().post('/v1/me/redemptions').set(asMember).send({ rewardId: reward.body.id, idempotencyKey: key });

      await http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
      await runMint(); // holds 1.5 < 2
      expect(await catalog()).toMatchObject({ redeemable: false, reason: 'token_gate' });
      const refused = await redeem('gate-1').expect(409);
      expect(refused.body.code).toBe('redemption.token_gate');

      await http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
      await runMint(); // holds 3 ≥ 2
      expect(await catalog()).toMatchObject({ redeemable: true });
      await redeem('gate-2').expect(201);
    },
    SLOW,
  );

  it(
    'a transaction stuck unmined is replaced at the same nonce with a higher fee; only one lands',
    async () => {
      const brand = await brandWithTokens();
      const wallet = getAddress(hexlify(randomBytes(20)));
      const m = await createMember(t(), brand, { walletAddress: wallet });
      await anvil.provider.send('evm_setAutomine', [false]);
      try {
        await http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
        expect((await runMint()).processed).toMatchObject({ signed: 1, broadcast: 1 });
        await new Promise((r) => setTimeout(r, 1_500)); // past MINT_STUCK_SECONDS=1
        expect((await runMint()).processed).toMatchObject({ replaced: 1 });
      } finally {
        await anvil.provider.send('evm_setAutomine', [true]);
      }
      await anvil.mine(1);
      expect((await runMint()).processed).toMatchObject({ confirmed: 1 });
      const [tx] = await app
        .get(DataSource)
        .query(`SELECT nonce, attempts, tx_hash FROM mint_transactions WHERE brand_id = $1`, [brand.id]);
      expect(tx.attempts).toHaveLength(2);
      expect(Transaction.from(tx.attempts[1].raw).nonce).toBe(Transaction.from(tx.attempts[0].raw).nonce);
      expect(BigInt(tx.attempts[1].maxPriorityFeePerGas)).toBeGreaterThan(BigInt(tx.attempts[0].maxPriorityFeePerGas));
      expect(tx.tx_hash).toBe(tx.attempts[1].hash);
      expect(await anvil.provider.getTransactionReceipt(tx.attempts[0].hash)).toBeNull();
      expect(await new Contract(token, PLAIN_ERC20, anvil.provider).balanceOf(wallet)).toBe(15n * 10n ** 17n);
    },
    SLOW,
  );

  it(
    'a soulbound transfer reverts with the decoded NonTransferable error',
    async () => {
      const snapshot = await anvil.snapshot();
      try {
        const holder = new Wallet(ANVIL_KEYS[2], anvil.provider);
        const soulbound = await deployToken(anvil, ANVIL_KEYS[2], { transferable: false });
        const asHolder = new Contract(soulbound, TOKEN_ABI as never, holder);
        await (await asHolder.mintBatch([holder.address], [10n ** 18n])).wait();
        const err = await asHolder.transfer(Wallet.createRandom().address, 1n).then(
          () => null,
          (e: unknown) => e as { code: string; data: string },
        );
        expect(err?.code).toBe('CALL_EXCEPTION');
        expect(new Interface(TOKEN_ABI as never).parseError(err!.data)?.name).toBe('NonTransferable');
      } finally {
        await anvil.revert(snapshot);
      }
    },
    SLOW,
  );

  it(
    'a mintBatch that reverts (the signer lost its role) fails its rows with the reason, and is not retried',
    async () => {
      const own = await deployToken(anvil, MINTER_KEY, { symbol: 'LOST' });
      const brand = await createBrand(t());
      await enableChain(brand, { tokenAddress: own }).expect(200);
      await http().post('/v1/rules').set(brand.auth).send(tokenRule('2')).expect(201);
      const m = await createMember(t(), brand, { walletAddress: Wallet.createRandom().address });
      const admin0 = new Contract(own, TOKEN_ABI as never, new Wallet(MINTER_KEY, anvil.provider));
      const nonce = await anvil.provider.getTransactionCount(minter.address, 'pending');
      await (await admin0.revokeRole(MINTER_ROLE, minter.address, { nonce })).wait();
      await http().post('/v1/events').set(brand.auth).send(event(m, 'share')).expect(201);
      const run = await runMint();
      expect(run.processed.failed).toBe(1);
      const [mint] = (await http().get(`/v1/members/${m.id}/mints`).set(brand.auth).expect(200)).body.data;
      expect(mint.status).toBe('failed');
      expect(mint.failureReason).toContain('AccessControlUnauthorizedAccount');
      const again = await runMint();
      expect(again.processed.failed ?? 0).toBe(0);
      expect(again.processed.signed ?? 0).toBe(0);
    },
    SLOW,
  );

  it(
    'never logs or answers the minter key',
    () => {
      expect(log.length).toBeGreaterThan(0);
      expect(log).not.toContain(MINTER_KEY.slice(2));
      expect(getAddress(minter.address)).toBe(minter.address);
    },
    SLOW,
  );
});
