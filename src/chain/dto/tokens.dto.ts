import { ApiProperty } from '@nestjs/swagger';

const STATUSES = ['awaiting_wallet', 'queued', 'signed', 'confirmed', 'failed'];

export class PendingMintView {
  @ApiProperty({ format: 'uuid' }) mintId: string;
  @ApiProperty({ example: '1.5' }) amount: string;
  @ApiProperty({ enum: ['awaiting_wallet', 'queued', 'signed'] }) status: string;
}

export class TokensView {
  @ApiProperty({ nullable: true, type: String }) walletAddress: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '12.5',
    description: 'Read on chain (cached 60 s); null: no wallet',
  })
  balance: string | null;
  @ApiProperty({ example: 'ACME' }) symbol: string;
  @ApiProperty({ type: 'integer', example: 18 }) decimals: number;
  @ApiProperty({ type: [PendingMintView] }) pending: PendingMintView[];
}

export class MintItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '1.5' }) amount: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) eventId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) ruleId: string | null;
  @ApiProperty({ nullable: true, type: String }) toAddress: string | null;
  @ApiProperty({ nullable: true, type: String }) txHash: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) blockNumber: number | null;
  @ApiProperty({ nullable: true, type: String }) failureReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class MintPageView {
  @ApiProperty({ type: [MintItemView] }) data: MintItemView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
