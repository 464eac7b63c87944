// Fails when a module under src/ imports itself through others (type-only imports count: a
// cycle of types confuses a reader as much as one of values). Run by `npm run lint`.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', 'src');
const files = readdirSync(root, { recursive: true })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
  .map((f) => join(root, f));

const SPECIFIER =
  /(?:import|export)\s[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.startsWith(root) && existsSync(candidate)) {
      return candidate;
    }
  }
  return null;
}

const imports = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(SPECIFIER)]
      .map((m) => resolveImport(file, m[1] ?? m[2]))
      .filter((t) => t !== null);
    return [file, [...new Set(targets)]];
  }),
);

// Depth-first search; a back edge closes a cycle, reported once per set of modules.
const state = new Map();
const stack = [];
const cycles = new Map();
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const next of imports.get(file) ?? []) {
    if (state.get(next) === 'open') {
      const cycle = stack.slice(stack.indexOf(next)).map((f) => relative(root, f));
      cycles.set([...cycle].sort().join('|'), [...cycle, relative(root, next)]);
    } else if (!state.has(next)) {
      visit(next);
    }
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of files) {
  if (!state.has(file)) {
    visit(file);
  }
}

if (cycles.size) {
  console.error(`Import cycles in src/ (${cycles.size}):`);
  for (const cycle of cycles.values()) {
    console.error(`  ${cycle.join(' → ')}`);
  }
  process.exit(1);
}
console.log(`No import cycle in src/ (${files.length} modules).`);
