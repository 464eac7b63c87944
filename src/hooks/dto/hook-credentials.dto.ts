import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class HookSecretView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedHookSecretView extends HookSecretView {
  @ApiProperty({ example: 'whsec_…', description: 'Standard Webhooks signing secret. Shown only in this answer.' })
  secret: string;
}

export class HookSecretListView {
  @ApiProperty({ type: [HookSecretView] }) data: HookSecretView[];
  @ApiProperty({ nullable: true, type: String, description: 'Always null: at most two are live' })
  nextCursor: string | null;
}

export class CreateHookTokenDto {
  @ApiPropertyOptional({ example: 'klaviyo-flow', maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;
}

export class HookTokenView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'klaviyo-flow' }) name: string;
  @ApiProperty({ example: 'ht_AbCd', description: 'The first characters of the token, to tell tokens apart' })
  prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedHookTokenView extends HookTokenView {
  @ApiProperty({ example: 'ht_…', description: 'Send as X-Hook-Token or ?token=. Shown only in this answer.' })
  token: string;
}

export class HookTokenListView {
  @ApiProperty({ type: [HookTokenView] }) data: HookTokenView[];
  @ApiProperty({ nullable: true, type: String, description: 'Always null: one page' }) nextCursor: string | null;
}
