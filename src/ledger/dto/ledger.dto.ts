import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MemberBalanceView } from '../../members/dto/member.dto.js';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { MemberView } from '../../members/dto/member.dto.js';

export class AdjustmentDto {
  @ApiProperty({
    type: 'integer',
    example: 250,
    description: 'Signed, non-zero: positive credits, negative debits (never below zero)',
  })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  points: number;

  @ApiProperty({ example: 'Goodwill for a late delivery', maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}

export class LedgerEntryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['earn', 'redeem', 'expire', 'reverse', 'adjust'] }) kind: string;
  @ApiProperty({ enum: ['pending', 'available'] }) status: string;
  @ApiProperty({ type: 'integer', description: 'Signed points' }) points: number;
  @ApiProperty({ type: 'integer', description: "The member's total (available + pending) after this entry" })
  balanceAfter: number;
  @ApiPropertyOptional({ nullable: true, type: String }) eventId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) ruleId: string | null;
  @ApiPropertyOptional({ nullable: true, type: 'integer' }) ruleVersion: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) redemptionId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Who made a manual entry: key:<apiKeyId>' }) actor:
    string | null;
  @ApiProperty({ format: 'date-time' }) availableAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class LedgerPageView {
  @ApiProperty({ type: [LedgerEntryView] }) data: LedgerEntryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class AdjustmentView {
  @ApiProperty({ type: LedgerEntryView }) entry: LedgerEntryView;
  @ApiProperty({ type: MemberBalanceView, description: 'The balance after the adjustment' })
  balance: MemberBalanceView;
}

export class NextExpiryView {
  @ApiProperty() at: string;
  @ApiProperty({ description: 'Points left in the lots that lapse then' }) points: number;
}

/** GET /v1/members/{id}/balance: the balance with the next lapsing points, for the brand's side. */
export class BalanceWithExpiryView extends MemberBalanceView {
  @ApiProperty({ type: NextExpiryView, nullable: true, description: 'The next lapsing points, or null' })
  nextExpiry: NextExpiryView | null;
}

/** GET /v1/me: the member, with the next lapsing points (the ledger's, so served beside it). */
export class MeView extends MemberView {
  @ApiProperty({ type: NextExpiryView, nullable: true, description: 'The next lapsing points, or null' })
  nextExpiry: NextExpiryView | null;
}
