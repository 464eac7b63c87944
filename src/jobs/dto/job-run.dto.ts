import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';

export class JobRunListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'retention-scan', description: 'Only the runs of this job' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;
}

export class RunJobDto {
  @ApiPropertyOptional({
    example: '2026-12-01T03:00:00Z',
    description:
      "Run as if at this time (the job's clock): which points are due, who is inactive, whose anniversary it is. Default: now",
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  now?: string;
}

export class JobRunView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'retention-scan' }) name: string;
  @ApiProperty({
    enum: ['ok', 'failed', 'skipped'],
    description: "skipped: another instance held the job's lock, so this one did nothing",
  })
  status: string;
  @ApiProperty({ format: 'date-time', description: 'The time the job ran as: now, or the `now` an operator asked for' })
  asOf: string;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time' }) finishedAt: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { brands: 1, members: 1000, inactive: 12, made: 12 },
    description: 'What the run did, by counter',
  })
  processed: Record<string, number>;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class JobRunPageView {
  @ApiProperty({ type: [JobRunView] }) data: JobRunView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
