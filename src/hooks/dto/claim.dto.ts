import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { MemberView } from '../../members/dto/member.dto.js';

export class ClaimDto {
  @ApiProperty({ example: 'cl_…', description: 'The claimToken of a campaign conversion' })
  @IsString()
  @Matches(/^cl_[A-Za-z0-9_-]{32}$/, { message: 'must be a claim token cl_…' })
  token: string;
}

export class ClaimedView {
  @ApiProperty({ example: 'mt_…', description: 'A member token for /v1/me' }) memberToken: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ type: MemberView }) member: MemberView;
}
