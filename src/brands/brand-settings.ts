import type { ChainSettings } from '../chain/chain-settings.js';
import { NO_TIERS, type TierLadder } from '../tiers/tier-ladder.js';

/** A brand's programme settings, as stored in brands.settings and answered by GET /v1/brand. */
export interface BrandSettings {
  timezone: string;
  currency: string;
  /** Events for an unknown externalId enrol the member instead of answering 404. */
  autoEnroll: boolean;
  referralLandingUrl: string | null;
  /** Where a campaign conversion's claim link points: `<url>?claim=<token>`; null = no link. */
  enrollmentLandingUrl: string | null;
  referral: {
    qualifyingEvent: string;
    /** Decimal string in the brand's currency; "0" = any amount. */
    minAmount: string;
    withinDays: number;
    maxReferralsPerMonth: number;
  };
  /** Days earned points stay pending (a return window) before they can be spent. */
  pendingDays: number;
  /** Months after which an earn lot expires; null = never. */
  expiryMonths: number | null;
  /** Days without a purchase after which the retention scan calls a member inactive. */
  inactiveDays: number;
  /** Built-in stage moves, each switchable. */
  transitions: { firstPurchase: boolean; secondPurchase: boolean; referralMade: boolean };
  /** Set by PUT /v1/brand/tiers. */
  tiers: TierLadder;
  /** What one point is worth in the brand's currency (decimal string): values the liability. */
  pointValue: string | null;
  /** Optional on-chain tokens (PATCH merges it key by key; checked against the chain when enabled). */
  chain: ChainSettings | null;
  /** The domain wallet-link messages (Sign-In with Ethereum) name: the brand's app's host. */
  siweDomain: string | null;
}

export const DEFAULT_SETTINGS: BrandSettings = {
  timezone: 'UTC',
  currency: 'EUR',
  autoEnroll: false,
  referralLandingUrl: null,
  enrollmentLandingUrl: null,
  referral: { qualifyingEvent: 'purchase', minAmount: '0', withinDays: 30, maxReferralsPerMonth: 50 },
  pendingDays: 0,
  expiryMonths: null,
  inactiveDays: 90,
  transitions: { firstPurchase: true, secondPurchase: true, referralMade: true },
  tiers: NO_TIERS,
  pointValue: null,
  chain: null,
  siweDomain: null,
};

type Patch = {
  [K in keyof BrandSettings]?: BrandSettings[K] extends object | null
    ? Partial<NonNullable<BrandSettings[K]>> | BrandSettings[K]
    : BrandSettings[K];
};

/** PATCH semantics: top-level keys replace; the nested groups (referral, transitions) merge key by key. */
export function mergeSettings(current: Partial<BrandSettings>, patch: Patch): BrandSettings {
  const base = withDefaults(current);
  return {
    ...base,
    ...(patch as Partial<BrandSettings>),
    referral: { ...base.referral, ...(patch.referral ?? {}) },
    transitions: { ...base.transitions, ...(patch.transitions ?? {}) },
    chain:
      patch.chain === undefined
        ? base.chain
        : patch.chain === null
          ? null
          : ({ ...(base.chain ?? {}), ...patch.chain } as ChainSettings),
  };
}

/** Stored settings may predate a key added later: defaults fill the gaps on read. */
export function withDefaults(stored: Partial<BrandSettings> | null | undefined): BrandSettings {
  const s = stored ?? {};
  return {
    ...DEFAULT_SETTINGS,
    ...s,
    referral: { ...DEFAULT_SETTINGS.referral, ...(s.referral ?? {}) },
    transitions: { ...DEFAULT_SETTINGS.transitions, ...(s.transitions ?? {}) },
  };
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
