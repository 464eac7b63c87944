import { ANALYTICS_ERRORS } from './analytics/analytics-errors.js';
import { BRAND_ERRORS } from './brands/brand-errors.js';
import { CHAIN_ERRORS } from './chain/chain-errors.js';
import { COMMON_ERRORS, type ErrorSpec } from './common/errors/domain-error.js';
import { EVENT_ERRORS } from './events/event-errors.js';
import { HEALTH_ERRORS } from './health/health-errors.js';
import { HOOK_ERRORS } from './hooks/hook-errors.js';
import { JOB_ERRORS } from './jobs/job-errors.js';
import { JOURNEY_ERRORS } from './journey/journey-errors.js';
import { LEDGER_ERRORS } from './ledger/ledger-errors.js';
import { MEMBER_ERRORS } from './members/member-errors.js';
import { REFERRAL_ERRORS } from './referrals/referral-errors.js';
import { REDEMPTION_ERRORS } from './rewards/redemption-errors.js';
import { REWARD_ERRORS } from './rewards/reward-errors.js';
import { RULE_ERRORS } from './rules/rule-errors.js';
import { WEBHOOK_ERRORS } from './webhooks/webhook-errors.js';

/** Every code the API can answer, feature by feature: the README's error table is checked against it. */
export const ERROR_CATALOGUES: ReadonlyArray<{ feature: string; codes: Readonly<Record<string, ErrorSpec>> }> = [
  { feature: 'common', codes: COMMON_ERRORS },
  { feature: 'brands', codes: BRAND_ERRORS },
  { feature: 'members', codes: MEMBER_ERRORS },
  { feature: 'events', codes: EVENT_ERRORS },
  { feature: 'rules', codes: RULE_ERRORS },
  { feature: 'ledger', codes: LEDGER_ERRORS },
  { feature: 'referrals', codes: REFERRAL_ERRORS },
  { feature: 'rewards', codes: REWARD_ERRORS },
  { feature: 'redemptions', codes: REDEMPTION_ERRORS },
  { feature: 'journey', codes: JOURNEY_ERRORS },
  { feature: 'jobs', codes: JOB_ERRORS },
  { feature: 'health', codes: HEALTH_ERRORS },
  { feature: 'hooks', codes: HOOK_ERRORS },
  { feature: 'webhooks', codes: WEBHOOK_ERRORS },
  { feature: 'analytics', codes: ANALYTICS_ERRORS },
  { feature: 'chain', codes: CHAIN_ERRORS },
];
