import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
  type ApiPropertyOptions,
  type SchemaObject,
} from '@nestjs/swagger';

export class BalanceView {
  @ApiProperty({ type: 'integer' }) available: number;
  @ApiProperty({ type: 'integer' }) pending: number;
  @ApiProperty({ type: 'integer' }) lifetimeEarned: number;
}

export class EventMemberView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() externalId: string;
  @ApiProperty({ example: 'retention' }) stage: string;
  @ApiProperty({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ type: BalanceView }) balance: BalanceView;
}

/** Event attributes: flat, scalar values only (src/events/event-attributes.ts). */
const ATTRIBUTES_SCHEMA: SchemaObject = {
  type: 'object',
  maxProperties: 50,
  description:
    'Flat: keys [A-Za-z][A-Za-z0-9_]{0,63}, values a string (at most 2,000 characters), a finite number, a boolean or null. ' +
    'purchase and refund need `amount`, a decimal string such as "59.90"',
  additionalProperties: {
    // OpenAPI 3.0 has no null type: null rides on the string alternative
    oneOf: [{ type: 'string', maxLength: 2000, nullable: true }, { type: 'number' }, { type: 'boolean' }],
  },
};

export const attributesProperty = (example: Record<string, unknown>) =>
  ({ ...ATTRIBUTES_SCHEMA, example }) as ApiPropertyOptions;

export class SimulatedPointsEffectView {
  @ApiProperty({ enum: ['points'] }) type: 'points';
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ type: 'integer' }) ruleVersion: number;
  @ApiProperty({ type: 'integer' }) points: number;
  @ApiProperty({ enum: ['pending', 'available'] }) status: 'pending' | 'available';
}

export class PointsEffectView extends SimulatedPointsEffectView {
  @ApiProperty({ format: 'uuid', description: 'The ledger entry' }) entryId: string;
}

export class StageEffectView {
  @ApiProperty({ enum: ['stage'] }) type: 'stage';
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ enum: ['transition', 'rule'] }) cause: 'transition' | 'rule';
  @ApiPropertyOptional({ format: 'uuid', description: 'When a rule moved the member' }) ruleId?: string;
}

export class TokenEffectView {
  @ApiProperty({ enum: ['token'] }) type: 'token';
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ type: 'integer' }) ruleVersion: number;
  @ApiProperty({ example: '1.5', description: 'Decimal string' }) amount: string;
  @ApiProperty({ format: 'uuid' }) mintId: string;
  @ApiProperty({
    enum: ['queued', 'awaiting_wallet'],
    description: 'awaiting_wallet: minted once the member links a wallet',
  })
  status: 'queued' | 'awaiting_wallet';
}

export class ReferralEffectView {
  @ApiProperty({ enum: ['referral'] }) type: 'referral';
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty({ format: 'uuid' }) referrerId: string;
  @ApiProperty({ enum: ['rewarded'] }) status: 'rewarded';
}

export class TierEffectView {
  @ApiProperty({ enum: ['tier'] }) type: 'tier';
  @ApiProperty({ nullable: true, type: String }) from: string | null;
  @ApiProperty() to: string;
}

export class ReversalEffectView {
  @ApiProperty({ enum: ['reversal'] }) type: 'reversal';
  @ApiProperty({ type: 'integer', description: 'Negative: the points taken back by a refund' }) points: number;
  @ApiProperty({ enum: ['pending', 'available'] }) status: 'pending' | 'available';
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty() orderId: string;
}

const OTHER_EFFECTS = {
  stage: StageEffectView,
  tier: TierEffectView,
  token: TokenEffectView,
  referral: ReferralEffectView,
  reversal: ReversalEffectView,
};

/** An effects list: one of the effect shapes, told apart by `type`. */
function effectsSchema(points: typeof SimulatedPointsEffectView) {
  const variants = { points, ...OTHER_EFFECTS };
  return {
    type: 'array' as const,
    items: {
      oneOf: Object.values(variants).map((v) => ({ $ref: getSchemaPath(v) })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, getSchemaPath(v)])),
      },
    },
  };
}

export type EffectView =
  PointsEffectView | StageEffectView | TierEffectView | TokenEffectView | ReferralEffectView | ReversalEffectView;

@ApiExtraModels(PointsEffectView, SimulatedPointsEffectView, ...Object.values(OTHER_EFFECTS))
export class EventResultView {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() duplicate: boolean;
  @ApiProperty({ ...effectsSchema(PointsEffectView), description: 'What the event did, in order' })
  effects: EffectView[];
  @ApiProperty({ type: EventMemberView }) member: EventMemberView;
}

/** The simulation's effects: as an event's, without ledger entries (nothing is written). */
export const SIMULATED_EFFECTS = effectsSchema(SimulatedPointsEffectView);

export class FieldErrorView {
  @ApiProperty({ example: 'events[2].attributes.amount' }) path: string;
  @ApiProperty({ example: 'is required: a non-negative decimal such as "59.90"' }) message: string;
}

export class BatchEventErrorView {
  @ApiProperty({ example: 'validation_failed' }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ type: [FieldErrorView] }) details?: FieldErrorView[];
}

export class BatchEventResultView {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Position in the request' }) index: number;
  @ApiProperty({
    type: 'integer',
    enum: [200, 201, 400, 404, 409],
    description: 'What POST /v1/events would have answered',
  })
  status: number;
  @ApiPropertyOptional({ type: EventResultView, description: 'On 200 and 201' }) result?: EventResultView;
  @ApiPropertyOptional({ type: BatchEventErrorView, description: 'On 400, 404 and 409' }) error?: BatchEventErrorView;
}

export class BatchResultView {
  @ApiProperty({ type: [BatchEventResultView], description: 'One per event, in request order' })
  results: BatchEventResultView[];
}
