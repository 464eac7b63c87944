import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../common/auth/admin.guard.js';
import { BrandsService } from './brands.service.js';
import { CreateBrandDto, CreatedBrandView } from './dto/brand.dto.js';

@ApiTags('admin')
@ApiBearerAuth('adminToken')
@UseGuards(AdminGuard)
@Controller('v1/admin/brands')
export class AdminBrandsController {
  constructor(private readonly brands: BrandsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a brand; the answer holds its secret key, shown only this once' })
  @ApiCreatedResponse({ type: CreatedBrandView })
  create(@Body() body: CreateBrandDto): Promise<CreatedBrandView> {
    return this.brands.createBrand(body.name);
  }
}
