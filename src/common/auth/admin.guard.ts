import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { commonError } from '../errors/domain-error.js';
import { sameSecret } from '../secret-token.js';
import { bearerToken } from './bearer.js';

/** The operator's routes (/v1/admin): the ADMIN_TOKEN from the environment. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>());
    if (!token || !this.config.adminToken || !sameSecret(token, this.config.adminToken)) {
      throw commonError('auth.invalid_admin_token', 'A valid operator token is required');
    }
    return true;
  }
}
