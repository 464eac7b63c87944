import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { validationFailed } from '../errors/domain-error.js';
import { isUuid } from '../ids.js';

/** Cursor pagination: the cursor is the last id of the previous page (ids are time-ordered). */
export class PageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Repositories fetch limit + 1 rows; the extra one only says that another page exists. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? data[data.length - 1].id : null };
}

/**
 * The one cursor rule of every list: absent = the first page; anything but a nextCursor the
 * list gave (empty, garbage, another list's) is a 400 naming the parameter, never the first
 * page again and never a database error.
 */
const badCursor = () => validationFailed([{ path: 'cursor', message: 'must be a nextCursor from a previous page' }]);

/** Lists paged by id (UUID v7, time-ordered). */
export function idCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  if (!isUuid(cursor)) {
    throw badCursor();
  }
  return cursor.toLowerCase();
}

/** Lists paged by a sequence number (a positive bigint, as a string). */
export function seqCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  if (!/^\d{1,19}$/.test(cursor) || BigInt(cursor) > 9_223_372_036_854_775_807n) {
    throw badCursor();
  }
  return cursor;
}
