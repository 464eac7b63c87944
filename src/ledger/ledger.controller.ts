import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { PageQuery } from '../common/http/pagination.js';
import { MemberRefPipe } from '../members/member-ref.pipe.js';
import { AdjustmentDto, AdjustmentView, LedgerPageView } from './dto/ledger.dto.js';
import { LedgerService } from './ledger.service.js';

@ApiTags('ledger')
@BrandAuth()
@Controller('v1/members/:id')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('ledger')
  @ApiOperation({ summary: "A member's ledger entries, newest first; cursor-paginated" })
  @ApiOkResponse({ type: LedgerPageView })
  list(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
    @Query() q: PageQuery,
  ): Promise<LedgerPageView> {
    return this.ledger.listForMember(brand.id, id, q.cursor, q.limit);
  }

  @Post('adjustments')
  @ApiOperation({ summary: 'A manual credit or debit with a reason; recorded with the key that made it' })
  @ApiCreatedResponse({ type: AdjustmentView })
  adjust(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
    @Body() body: AdjustmentDto,
  ): Promise<AdjustmentView> {
    return this.ledger.adjust(brand, id, body);
  }
}
