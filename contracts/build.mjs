// npm run contracts:build — writes the committed artifact contracts/LoyaltyToken.json.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileLoyaltyToken } from './compile.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), 'artifacts', 'LoyaltyToken.json');
writeFileSync(out, `${JSON.stringify(compileLoyaltyToken(), null, 2)}\n`);
console.log(`wrote ${out}`);
