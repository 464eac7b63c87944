import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ClaimsService } from './claims.service.js';
import { ClaimDto, ClaimedView } from './dto/claim.dto.js';

/** Public: the claim token is the credential. Rate-limited per client address. */
@ApiTags('hooks')
@Controller('v1/claims')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: "Trade a conversion's claim token (once, within 7 days) for a member token" })
  @ApiOkResponse({ type: ClaimedView })
  @ApiBadRequestResponse({ description: 'Not a claim token' })
  @ApiNotFoundResponse({ description: 'No such claim token' })
  @ApiGoneResponse({ description: 'Already used, or expired' })
  @ApiTooManyRequestsResponse({ description: 'Too many claims from this address' })
  claim(@Body() body: ClaimDto): Promise<ClaimedView> {
    return this.claims.claim(body.token);
  }
}
