/** What `CompiledRuleSet.evaluate` takes and gives back (the event pipeline's contract). */

/** The member as it was before the event (the caller holds the member row lock). */
export interface MemberSnapshot {
  stage: string;
  tier: string | null;
  enrolledAt: Date;
  purchaseCount: number;
  referralCount: number;
  lifetimePoints: number;
  lastPurchaseAt: Date | null;
  source: string;
  referred: boolean;
}

/** What one member has had from one rule, within the limit period starting at `periodStart`. */
export interface RuleUsage {
  periodStart: Date;
  count: number;
  points: number;
  lastFiredAt: Date | null;
}

export interface EventInput {
  type: string;
  occurredAt: Date;
  attributes: Record<string, unknown>;
}

export interface EvaluationInput {
  event: EventInput;
  member: MemberSnapshot;
  /** The brand's stages in journey order, for forward-only `advanceStage`. */
  stageOrder: readonly string[];
  /** e.g. 1.5 for gold; applied to points, then floored. */
  tierMultiplier: number;
  /** By rule id; a missing rule has never fired for this member. */
  usage: ReadonlyMap<string, RuleUsage>;
  /** By rule id, for rules with `budgetPoints`; a missing rule has its whole budget left. */
  budgetRemaining: ReadonlyMap<string, number>;
  /** Simulation: give every rule of the set a trace entry with the reason it did or did not fire. */
  explain?: boolean;
}

export interface PointsAward {
  ruleId: string;
  ruleVersion: number;
  points: number;
  /** The rule's override of the brand's pendingDays; null = the brand's setting. */
  pendingDays: number | null;
}

export interface TokenAward {
  ruleId: string;
  ruleVersion: number;
  amount: string;
}

export interface StageMove {
  to: string;
  ruleId: string;
  mode: 'advance' | 'set';
}

export interface RuleTrace {
  ruleId: string;
  ruleVersion: number;
  name: string;
  fired: boolean;
  reason: string;
  points?: number;
}

export interface Evaluation {
  points: PointsAward[];
  tokens: TokenAward[];
  /** The one stage change the event causes, or null. */
  stage: StageMove | null;
  /** The new usage of each rule that fired, to persist. */
  usage: Map<string, RuleUsage>;
  /** Points taken from each budgeted rule's budget (only rules that awarded points). */
  budgetSpent: Map<string, number>;
  /** Fired rules always; every rule of the set when `explain` is on. */
  trace: RuleTrace[];
}
