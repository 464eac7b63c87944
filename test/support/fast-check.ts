import fc from 'fast-check';

/**
 * Parameters that make a fast-check property replayable: the seed (and path) come from FC_SEED
 * (and FC_PATH) when set, else a fresh seed. The seed is printed when the property starts (a run
 * that passed can be replayed too) and a failure names seed and path, ready to paste:
 *   FC_SEED=-26230245 FC_PATH=6 node --experimental-vm-modules node_modules/jest/bin/jest.js <suite> -t '<test>'
 */
export function replayable<Ts>(params: fc.Parameters<Ts> = {}): fc.Parameters<Ts> {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() ^ (Math.random() * 0x100000000);
  const path = process.env.FC_PATH || undefined;
  process.stderr.write(`fast-check seed ${seed}${path ? ` path ${path}` : ''}: ${currentTestName()}\n`);
  return {
    ...params,
    seed,
    ...(path ? { path } : {}),
    reporter: (out) => {
      if (out.failed) {
        throw new Error(`${fc.defaultReportMessage(out)}\n${replayLine(out)}`);
      }
    },
  };
}

/** `fast-check seed … path …` and how to replay it, for suites that report failures themselves. */
export function replayLine(out: { seed: number; counterexamplePath: string | null }): string {
  const path = out.counterexamplePath ? ` FC_PATH=${out.counterexamplePath}` : '';
  return `(fast-check seed ${out.seed}, path ${out.counterexamplePath}; replay with FC_SEED=${out.seed}${path})`;
}

function currentTestName(): string {
  return (
    (globalThis as { expect?: { getState(): { currentTestName?: string } } }).expect?.getState().currentTestName ?? '?'
  );
}
