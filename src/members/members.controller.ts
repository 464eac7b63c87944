import { Body, Controller, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { MemberRefPipe } from './member-ref.pipe.js';
import {
  MemberListQuery,
  MemberPageView,
  MemberTokenView,
  MemberView,
  StageChangeListView,
  UpsertedMemberView,
  UpsertMemberDto,
} from './dto/member.dto.js';
import { MembersService } from './members.service.js';

@ApiTags('members')
@BrandAuth()
@Controller('v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Put(':id')
  @ApiOperation({
    summary: "Create a member by the brand's own id, or update its profile (idempotent). Here {id} is the externalId",
  })
  @ApiCreatedResponse({ type: UpsertedMemberView, description: 'Created' })
  @ApiOkResponse({ type: UpsertedMemberView, description: 'Existed; profile fields given were updated' })
  @ApiConflictResponse({ description: 'Another member of this brand has that email' })
  async upsert(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) externalId: string,
    @Body() body: UpsertMemberDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UpsertedMemberView> {
    const { member, created } = await this.members.upsert(brand, externalId, body);
    void reply.status(created ? 201 : 200);
    return member;
  }

  @Get()
  @ApiOperation({ summary: 'Members, oldest first, filtered by stage and tier; cursor-paginated' })
  @ApiOkResponse({ type: MemberPageView })
  list(@CurrentBrand() brand: AuthenticatedBrand, @Query() query: MemberListQuery): Promise<MemberPageView> {
    return this.members.list(brand, query);
  }

  @Get(':id')
  @ApiOperation({ summary: "One member, by our id or by the brand's externalId" })
  @ApiOkResponse({ type: MemberView })
  @ApiNotFoundResponse()
  get(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', MemberRefPipe) id: string): Promise<MemberView> {
    return this.members.get(brand, id);
  }

  @Get(':id/stages')
  @ApiOperation({ summary: "The member's stage history (what analytics read): every move with its cause" })
  @ApiOkResponse({ type: StageChangeListView })
  stages(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
  ): Promise<StageChangeListView> {
    return this.members.stageHistory(brand, id);
  }

  @Post(':id/token')
  @ApiOperation({ summary: "A short-lived member token for the brand's app (member API: /v1/me)" })
  @ApiCreatedResponse({ type: MemberTokenView })
  issueToken(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
  ): Promise<MemberTokenView> {
    return this.members.issueToken(brand, id);
  }
}
