import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { BrandSettingsDto, BrandSettingsView } from './brand-settings.dto.js';

export class CreateBrandDto {
  @ApiProperty({ example: 'Acme Coffee', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class UpdateBrandDto {
  @ApiPropertyOptional({ example: 'Acme Coffee Roasters', maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    type: BrandSettingsDto,
    description: 'Merged into the stored settings; nested groups merge key by key',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BrandSettingsDto)
  settings?: BrandSettingsDto;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: 'checkout-service', maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;
}

export class StageView {
  @ApiProperty({ example: 'awareness' }) key: string;
  @ApiProperty({ example: 'Awareness' }) name: string;
}

export class BrandView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [StageView] }) stages: StageView[];
  @ApiProperty({ type: BrandSettingsView })
  settings: BrandSettingsView;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    required: false,
    nullable: true,
    type: String,
    example: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    description: "The service's minter address (its key never leaves the environment); null: no minter key",
  })
  chainSigner?: string | null;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'sk_AbCd', description: 'The first characters of the key, to tell keys apart' })
  prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ example: 'sk_…', description: 'The secret key. Shown only in this answer; store it now.' })
  key: string;
}

export class CreatedBrandView {
  @ApiProperty({ type: BrandView }) brand: BrandView;
  @ApiProperty({ type: CreatedApiKeyView }) apiKey: CreatedApiKeyView;
}

export class ApiKeyListView {
  @ApiProperty({ type: [ApiKeyView] }) data: ApiKeyView[];
  @ApiProperty({ nullable: true, type: String, description: 'Always null: every key in one page' })
  nextCursor: string | null;
}
