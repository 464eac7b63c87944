import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { PageQuery } from '../common/http/pagination.js';
import { MemberRefPipe } from '../members/member-ref.pipe.js';
import { AdjustmentDto, AdjustmentView, BalanceWithExpiryView, LedgerPageView } from './dto/ledger.dto.js';
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

  @Get('balance')
  @ApiOperation({ summary: "A member's balance and the next points to lapse (what GET /v1/me shows the member)" })
  @ApiOkResponse({ type: BalanceWithExpiryView })
  balance(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
  ): Promise<BalanceWithExpiryView> {
    return this.ledger.balance(brand.id, id);
  }

  @Post('adjustments')
  @ApiOperation({ summary: 'A manual credit or debit with a reason; recorded with the key that made it' })
  @ApiCreatedResponse({ type: AdjustmentView })
  @ApiConflictResponse({ description: 'A debit larger than the available balance' })
  adjust(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
    @Body() body: AdjustmentDto,
  ): Promise<AdjustmentView> {
    return this.ledger.adjust(brand, id, body);
  }
}
