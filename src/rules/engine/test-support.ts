import type { EvaluationInput, MemberSnapshot } from './evaluation.js';
import { buildFacts, type Facts } from './facts.js';

/**
 * Builders shared by the engine's specs (kept out of the production index; the name does not
 * end in .spec.ts so jest does not run it as a suite).
 */

export const JOURNEY = ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'];

export function aMember(overrides: Partial<MemberSnapshot> = {}): MemberSnapshot {
  return {
    stage: 'conversion',
    tier: 'silver',
    enrolledAt: new Date('2026-01-01T00:00:00Z'),
    purchaseCount: 1,
    referralCount: 0,
    lifetimePoints: 100,
    lastPurchaseAt: new Date('2026-03-01T00:00:00Z'),
    source: 'api',
    referred: false,
    ...overrides,
  };
}

export function factsOf(
  attributes: Record<string, unknown> = {},
  options: { type?: string; occurredAt?: string; member?: Partial<MemberSnapshot>; timeZone?: string } = {},
): Facts {
  return buildFacts({
    event: {
      type: options.type ?? 'purchase',
      occurredAt: new Date(options.occurredAt ?? '2026-03-10T12:00:00Z'),
      attributes,
    },
    member: aMember(options.member),
    timeZone: options.timeZone ?? 'Europe/Amsterdam',
  });
}

export function anInput(
  overrides: Partial<EvaluationInput> & { attributes?: Record<string, unknown>; at?: string; type?: string } = {},
): EvaluationInput {
  const { attributes, at, type, ...rest } = overrides;
  return {
    event: {
      type: type ?? 'purchase',
      occurredAt: new Date(at ?? '2026-03-10T12:00:00Z'),
      attributes: attributes ?? { amount: '59.90' },
    },
    member: aMember(),
    stageOrder: JOURNEY,
    tierMultiplier: 1,
    usage: new Map(),
    budgetRemaining: new Map(),
    ...rest,
  };
}
