import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { MemberView } from '../../members/dto/member.dto.js';

export class AdjustmentDto {
  @ApiProperty({ example: 250, description: 'Signed, non-zero: positive credits, negative debits (never below zero)' })
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
  @ApiProperty({ description: 'Signed points' }) points: number;
  @ApiProperty({ description: "The member's total (available + pending) after this entry" }) balanceAfter: number;
  @ApiPropertyOptional({ nullable: true, type: String }) eventId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) ruleId: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) ruleVersion: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) redemptionId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Who made a manual entry: key:<apiKeyId>' }) actor:
    string | null;
  @ApiProperty() availableAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty() createdAt: string;
}

export class LedgerPageView {
  @ApiProperty({ type: [LedgerEntryView] }) data: LedgerEntryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class AdjustmentView {
  @ApiProperty({ type: LedgerEntryView }) entry: LedgerEntryView;
  @ApiProperty({ example: { available: 1200, pending: 40, lifetimeEarned: 2000 } }) balance: {
    available: number;
    pending: number;
    lifetimeEarned: number;
  };
}

export class NextExpiryView {
  @ApiProperty() at: string;
  @ApiProperty({ description: 'Points left in the lots that lapse then' }) points: number;
}

/** GET /v1/me: the member, with the next lapsing points (the ledger's, so served beside it). */
export class MeView extends MemberView {
  @ApiProperty({ type: NextExpiryView, nullable: true, description: 'The next lapsing points, or null' })
  nextExpiry: NextExpiryView | null;
}
