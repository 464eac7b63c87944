import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../common/auth/bearer.js';
import { MemberErrors } from './member-errors.js';
import { MembersService } from './members.service.js';

export interface AuthenticatedMember {
  brandId: string;
  memberId: string;
}

type MemberRequest = FastifyRequest & { member?: AuthenticatedMember };

/** The member API (/v1/me): `Authorization: Bearer mt_…`. A brand key is not a member token. */
@Injectable()
export class MemberTokenGuard implements CanActivate {
  constructor(private readonly members: MembersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MemberRequest>();
    const token = bearerToken(request);
    if (!token) {
      throw MemberErrors.invalidToken();
    }
    request.member = await this.members.authenticateToken(token);
    return true;
  }
}

export const CurrentMember = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedMember => {
  const member = context.switchToHttp().getRequest<MemberRequest>().member;
  if (!member) {
    throw MemberErrors.invalidToken();
  }
  return member;
});
