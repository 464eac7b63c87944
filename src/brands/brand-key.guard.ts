import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../common/auth/bearer.js';
import type { AuthenticatedBrand } from './authenticated-brand.js';
import { BrandErrors } from './brand-errors.js';
import { BrandsService } from './brands.service.js';

type BrandRequest = FastifyRequest & { brand?: AuthenticatedBrand };

/** Resolves `Authorization: Bearer sk_…` to the brand; missing, unknown or revoked → 401. */
@Injectable()
export class BrandKeyGuard implements CanActivate {
  constructor(private readonly brands: BrandsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BrandRequest>();
    const token = bearerToken(request);
    if (!token) {
      throw BrandErrors.invalidKey();
    }
    request.brand = await this.brands.authenticate(token);
    return true;
  }
}

/** The authenticated brand of this request (only on routes behind BrandKeyGuard). */
export const CurrentBrand = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedBrand => {
  const brand = context.switchToHttp().getRequest<BrandRequest>().brand;
  if (!brand) {
    throw BrandErrors.invalidKey();
  }
  return brand;
});
