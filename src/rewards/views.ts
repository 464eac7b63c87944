// Only for redemptions.service.ts, which another branch is changing: once that file imports
// from dto/redemption.view.ts, this file goes.
export { toRedemptionResultView as toRedemptionResult, toRedemptionView } from './dto/redemption.view.js';
