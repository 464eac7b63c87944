import { Body, Controller, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { BrandView } from '../brands/dto/brand.dto.js';
import { TierLadderDto } from './dto/tiers.dto.js';
import { TiersService } from './tiers.service.js';

@ApiTags('brand')
@BrandAuth()
@Controller('v1/brand/tiers')
export class TiersController {
  constructor(private readonly tiers: TiersService) {}

  @Put()
  @ApiOperation({
    summary:
      'Replace the tier ladder: key, name, threshold in qualifying points (rolling window or lifetime), earn multiplier',
  })
  @ApiOkResponse({ type: BrandView })
  replace(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: TierLadderDto): Promise<BrandView> {
    return this.tiers.replace(brand.id, body);
  }
}
