import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { MemberBalanceView } from '../../members/dto/member.dto.js';
import { REDEMPTION_STATUSES, type RedemptionStatus } from '../redemption.js';
import { REWARD_KINDS } from '../reward.js';

export class RedeemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  rewardId: string;

  @ApiProperty({
    example: 'redeem-7f3a',
    description:
      'Unique per brand. A repeat with the same request answers the first result (200); with another request, 409. A refused attempt does not use the key up.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  idempotencyKey: string;
}

/** The member's own redemptions (/v1/me/redemptions). */
export class MyRedemptionListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  rewardId?: string;

  @ApiPropertyOptional({ enum: REDEMPTION_STATUSES })
  @IsOptional()
  @IsIn(REDEMPTION_STATUSES)
  status?: RedemptionStatus;
}

export class RedemptionListQuery extends MyRedemptionListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Our member id' })
  @IsOptional()
  @IsUUID()
  memberId?: string;
}

export class RedemptionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) rewardId: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty({ enum: REWARD_KINDS }) kind: string;
  @ApiProperty({ enum: REDEMPTION_STATUSES }) status: RedemptionStatus;
  @ApiProperty({ type: 'integer', description: 'Points debited' }) costPoints: number;
  @ApiPropertyOptional({ description: 'coupon: the code handed out (void once cancelled)' }) code?: string;
  @ApiPropertyOptional({ description: 'content: the unlocked URL' }) contentUrl?: string;
  @ApiPropertyOptional({ description: 'perk: what the member gets' }) perkText?: string;
  @ApiProperty({ format: 'uuid', description: 'The redeem ledger entry' }) ledgerEntryId: string;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The reverse entry that gave the points back',
  })
  cancelLedgerEntryId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelledAt: string | null;
}

/** The answer to a redemption or a cancellation: the member's balance after it. */
export class RedemptionResultView extends RedemptionView {
  @ApiProperty({ type: MemberBalanceView }) balance: MemberBalanceView;
}

export class RedemptionPage {
  @ApiProperty({ type: [RedemptionView] }) data: RedemptionView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
