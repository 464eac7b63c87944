import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class WalletChallengeDto {
  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', description: 'Any case; answered EIP-55' })
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 0x-prefixed 20-byte hex address' })
  address: string;
}

export class WalletChallengeView {
  @ApiProperty({ description: 'The EIP-4361 message, to be signed as it is (personal_sign)' }) message: string;
  @ApiProperty({ example: '5f0c3e0f8a4b2d7e9c1a6b3d' }) nonce: string;
  @ApiProperty({ format: 'date-time', description: 'Single use, valid 10 minutes' }) expiresAt: string;
}

export class LinkWalletDto {
  @ApiProperty({ description: 'The challenge message, exactly as issued' })
  @IsString()
  @MaxLength(4096)
  message: string;

  @ApiProperty({ example: '0x…', description: '65-byte signature, hex' })
  @Matches(/^0x[0-9a-fA-F]{130}$/, { message: 'must be a 0x-prefixed 65-byte hex signature' })
  signature: string;
}

export class WalletView {
  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }) walletAddress: string;
  @ApiProperty({ type: 'integer', description: 'Mints that waited for a wallet and are now queued' })
  mintsQueued: number;
}
