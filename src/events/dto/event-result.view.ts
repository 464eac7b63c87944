import { ApiProperty } from '@nestjs/swagger';

export class BalanceView {
  @ApiProperty() available: number;
  @ApiProperty() pending: number;
  @ApiProperty() lifetimeEarned: number;
}

export class EventMemberView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() externalId: string;
  @ApiProperty({ example: 'retention' }) stage: string;
  @ApiProperty({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ type: BalanceView }) balance: BalanceView;
}

export class EventResultView {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() duplicate: boolean;
  @ApiProperty({
    description:
      'points {ruleId, ruleVersion, points, status, entryId} | stage {from, to, cause, ruleId?} | token {ruleId, amount, mintId, status}',
    example: [
      { type: 'points', ruleId: '…', ruleVersion: 3, points: 40, status: 'available' },
      { type: 'stage', from: 'conversion', to: 'retention', cause: 'transition' },
    ],
  })
  effects: Array<Record<string, unknown>>;
  @ApiProperty({ type: EventMemberView }) member: EventMemberView;
}
