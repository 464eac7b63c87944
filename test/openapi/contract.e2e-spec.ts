import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { listen } from '../reliability/support/http.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app.js';
import { walkThrough } from './walk-through.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/**
 * The OpenAPI document is the contract: the checked-in openapi.json is what the service
 * serves, and a client generated from the served document type-checks (tsc --strict) and runs
 * the README walk-through unchanged. (Every other suite checks each answer it gets against the
 * document: test/support/test-app.ts.)
 */
describe('the OpenAPI contract (e2e)', () => {
  let t: TestApp;
  let base: string;
  let served: Record<string, unknown>;
  beforeAll(async () => {
    t = await startTestApp();
    base = await listen(t);
    served = (await t.http().get('/docs-json').expect(200)).body;
  });
  afterAll(() => t?.close());

  it('openapi.json is the served document (else: npm run openapi)', () => {
    const file = JSON.parse(readFileSync(join(root, 'openapi.json'), 'utf8'));
    expect(served).toEqual(file);
  });

  it('a client generated from the served document type-checks the walk-through with tsc --strict', async () => {
    const dir = join(root, 'dist', 'openapi-client');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'schema.d.ts'), astToString(await openapiTS(served as never)));
    writeFileSync(join(dir, 'walk-through.ts'), readFileSync(join(root, 'test/openapi/walk-through.ts')));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = [
      ...['--ignoreConfig', '--strict', '--noEmit', '--skipLibCheck', '--target', 'es2023', '--lib', 'es2023,dom'],
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node'],
      join(dir, 'walk-through.ts'),
    ];
    const result = await run(process.execPath, [tsc, ...args], { cwd: root }).then(
      () => '',
      (e: { stdout?: string; message: string }) => e.stdout || e.message,
    );
    expect(result).toBe('');
  }, 120_000);

  it('the generated client runs the README walk-through unchanged', async () => {
    const out = await walkThrough(base, ADMIN_TOKEN);
    expect(out).toMatchObject({
      stage: 'awareness',
      duplicate: true,
      conflict: { status: 409, code: 'event.idempotency_conflict' },
      balance: 119,
      ledger: ['earn 119'],
      ledgerNext: null,
      journey: ['awareness', 'conversion', 'retention'],
      timezone: 'UTC',
      expiryMonths: null,
      badCursor: [{ path: 'cursor', message: 'must be a nextCursor from a previous page' }],
    });
    expect(out.points).toBe(119);
    expect(out.moves).toEqual(['awareness→conversion', 'conversion→retention']);
    expect(out.verdicts).toEqual(['Double points over 20: +119']);
  });
});
