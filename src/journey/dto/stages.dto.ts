import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class StageDto {
  @ApiProperty({ example: 'purchase' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'must match [a-z][a-z0-9_]{0,31}' })
  key: string;

  @ApiProperty({ example: 'Purchase' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name: string;
}

export class ReplaceStagesDto {
  @ApiProperty({ type: [StageDto], description: '2 to 12 stages in journey order; keys unique' })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(12)
  // an array item passes ValidateNested (it validates the array's items: none), so say object
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages: StageDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { conversion: 'purchase' },
    description: 'Where members of a removed stage go: { removedKey: newKey }',
  })
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;
}
