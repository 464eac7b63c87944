import { rewardTermsFaults } from './reward-terms.js';

const STAGES = ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'];
const base = {
  kind: 'perk' as const,
  contentUrl: null,
  perkText: 'free coffee',
  stages: [] as string[],
  validFrom: null,
  validUntil: null,
};

describe('rewardTermsFaults', () => {
  it('accepts consistent terms', () => {
    expect(rewardTermsFaults({ ...base, stages: ['loyalty'] }, STAGES)).toEqual([]);
    expect(
      rewardTermsFaults({ ...base, kind: 'content', perkText: null, contentUrl: 'https://x.example/a' }, STAGES),
    ).toEqual([]);
    expect(rewardTermsFaults({ ...base, kind: 'coupon', perkText: null }, STAGES)).toEqual([]);
  });

  it("names each stage that is not the brand's by its path", () => {
    expect(rewardTermsFaults({ ...base, stages: ['loyalty', 'nirvana'] }, STAGES)).toEqual([
      { path: 'stages[1]', message: expect.stringContaining('stages') },
    ]);
  });

  it('asks each kind for its own field, and only that one', () => {
    const paths = (t: Parameters<typeof rewardTermsFaults>[0]) => rewardTermsFaults(t, STAGES).map((f) => f.path);
    expect(paths({ ...base, kind: 'content', perkText: null })).toEqual(['contentUrl']);
    expect(paths({ ...base, perkText: null })).toEqual(['perkText']);
    expect(paths({ ...base, kind: 'coupon', contentUrl: 'https://x.example' })).toEqual(['contentUrl', 'perkText']);
  });

  it('needs validUntil after validFrom', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(rewardTermsFaults({ ...base, validFrom: at, validUntil: at }, STAGES)).toEqual([
      { path: 'validUntil', message: 'must be after validFrom' },
    ]);
  });
});
