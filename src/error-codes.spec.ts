import { readFileSync } from 'node:fs';
import { statusOf } from './common/errors/error-body.js';
import { ERROR_CATALOGUES } from './error-codes.js';

/** The table rows the README's "## Errors" section must hold, in catalogue order. */
function expectedRows(): string[] {
  return ERROR_CATALOGUES.flatMap(({ codes }) =>
    Object.entries(codes).map(([code, spec]) => `| \`${code}\` | ${statusOf(spec.kind)} | ${spec.meaning} |`),
  );
}

function readmeRows(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## Errors$/m)[1]?.split(/^## /m)[0] ?? '';
  return section.split('\n').filter((line) => /^\| `/.test(line));
}

describe('error codes', () => {
  it('are each defined by one feature only', () => {
    const all = ERROR_CATALOGUES.flatMap(({ codes }) => Object.keys(codes));
    expect(all.filter((code, i) => all.indexOf(code) !== i)).toEqual([]);
  });

  it('are each listed in the README table with their status and meaning (paste the rows printed on failure)', () => {
    const expected = expectedRows();
    const found = readmeRows();
    if (found.join('\n') !== expected.join('\n')) {
      console.log(`README "## Errors" table rows should be:\n${expected.join('\n')}`);
    }
    expect(found).toEqual(expected);
  });
});
