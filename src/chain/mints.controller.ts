import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { PageQuery } from '../common/http/pagination.js';
import { MemberRefPipe } from '../members/member-ref.pipe.js';
import { MintPageView } from './dto/tokens.dto.js';
import { TokensService } from './tokens.service.js';

@ApiTags('members')
@BrandAuth()
@Controller('v1/members')
export class MintsController {
  constructor(private readonly tokens: TokensService) {}

  @Get(':id/mints')
  @ApiOperation({ summary: "A member's token mints, newest first: status, transaction hash, block" })
  @ApiOkResponse({ type: MintPageView })
  @ApiBadRequestResponse({ description: 'Bad cursor or limit' })
  @ApiNotFoundResponse({ description: 'No such member in this brand' })
  list(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
    @Query() q: PageQuery,
  ): Promise<MintPageView> {
    return this.tokens.mintsOf(brand.id, id, q);
  }
}
