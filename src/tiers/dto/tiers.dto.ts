import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export class TierDto {
  @ApiProperty({ example: 'gold' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'must match [a-z][a-z0-9_]{0,31}' })
  key: string;

  @ApiProperty({ example: 'Gold' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name: string;

  @ApiProperty({
    type: 'integer',
    example: 2000,
    minimum: 0,
    maximum: 1_000_000_000,
    description: 'Qualifying points needed',
  })
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  threshold: number;

  @ApiProperty({
    example: 1.5,
    minimum: 1,
    maximum: 10,
    multipleOf: 0.01,
    description: 'Earn multiplier applied to rule rewards (then floored)',
  })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(10)
  multiplier: number;
}

export class TierLadderDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 3650,
    example: 365,
    nullable: true,
    description: 'Rolling window of earnings that qualify, in days; null = lifetime',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(3650)
  windowDays?: number | null;

  @ApiProperty({ type: [TierDto], description: 'Up to 10 tiers, thresholds strictly increasing' })
  @IsArray()
  @ArrayMaxSize(10)
  // an array item passes ValidateNested (it validates the array's items: none), so say object
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => TierDto)
  tiers: TierDto[];
}
