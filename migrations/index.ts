import { Foundation1764000000000 } from './1764000000000-Foundation.js';
import { CoreLoop1764000100000 } from './1764000100000-CoreLoop.js';
import { Referrals1764000200000 } from './1764000200000-Referrals.js';
import { Rewards1764000300000 } from './1764000300000-Rewards.js';
import { Tiers1764000500000 } from './1764000500000-Tiers.js';
import { PointLots1764000600000 } from './1764000600000-PointLots.js';
import { Jobs1764000400000 } from './1764000400000-Jobs.js';
import { HooksIn1764000800000 } from './1764000800000-HooksIn.js';
import { Webhooks1764000900000 } from './1764000900000-Webhooks.js';
import { Analytics1764001100000 } from './1764001100000-Analytics.js';
import { Chain1764001000000 } from './1764001000000-Chain.js';
import { AnalyticsRollups1764001200000 } from './1764001200000-AnalyticsRollups.js';
import { RewardRedemptionCounts1764001400000 } from './1764001400000-RewardRedemptionCounts.js';
import { AnalyticsRuleDays1764001700000 } from './1764001700000-AnalyticsRuleDays.js';
import { AnalyticsRuleFiresKey1764001800000 } from './1764001800000-AnalyticsRuleFiresKey.js';
import { AnalyticsSettledInBatch1764001800001 } from './1764001800001-AnalyticsSettledInBatch.js';
import { WebhookPayloadJson1764002000000 } from './1764002000000-WebhookPayloadJson.js';

/** Every migration, in order. Listed by hand so the build needs no glob loader (ESM). */
export const MIGRATIONS = [
  Foundation1764000000000,
  CoreLoop1764000100000,
  Referrals1764000200000,
  Rewards1764000300000,
  Jobs1764000400000,
  Tiers1764000500000,
  PointLots1764000600000,
  HooksIn1764000800000,
  Webhooks1764000900000,
  Analytics1764001100000,
  Chain1764001000000,
  AnalyticsRollups1764001200000,
  RewardRedemptionCounts1764001400000,
  AnalyticsRuleDays1764001700000,
  AnalyticsRuleFiresKey1764001800000,
  AnalyticsSettledInBatch1764001800001,
  WebhookPayloadJson1764002000000,
];
