import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { BrandKeyGuard } from './brand-key.guard.js';

/** Routes a brand calls server-to-server with its secret key. */
export const BrandAuth = () =>
  applyDecorators(
    UseGuards(BrandKeyGuard),
    ApiBearerAuth('brandKey'),
    ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked key' }),
  );
