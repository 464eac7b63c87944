import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { SimulateDto, SimulationView } from './dto/simulate.dto.js';
import { EventSimulation } from './event-simulation.js';

@ApiTags('rules')
@BrandAuth()
@Controller('v1/rules/simulate')
export class SimulationController {
  constructor(private readonly simulation: EventSimulation) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a hypothetical event against the rules, for a real or hypothetical member; writes nothing',
  })
  @ApiOkResponse({ type: SimulationView })
  @ApiNotFoundResponse({ description: 'No such member (member.id or member.externalId)' })
  simulate(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: SimulateDto): Promise<SimulationView> {
    return this.simulation.simulate(brand, body);
  }
}
