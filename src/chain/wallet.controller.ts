import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type AuthenticatedMember, CurrentMember, MemberTokenGuard } from '../members/member-token.guard.js';
import { TokensView } from './dto/tokens.dto.js';
import { LinkWalletDto, WalletChallengeDto, WalletChallengeView, WalletView } from './dto/wallet.dto.js';
import { TokensService } from './tokens.service.js';
import { WalletsService } from './wallets.service.js';

@ApiTags('member API')
@ApiBearerAuth('memberToken')
@ApiUnauthorizedResponse({ description: 'Missing, unknown or expired member token' })
@UseGuards(MemberTokenGuard)
@Controller('v1/me')
export class WalletController {
  constructor(
    private readonly wallets: WalletsService,
    private readonly tokens: TokensService,
  ) {}

  @Post('wallet/challenge')
  @ApiOperation({ summary: 'An EIP-4361 (Sign-In with Ethereum) message to sign: single-use nonce, 10 minutes' })
  @ApiCreatedResponse({ type: WalletChallengeView })
  @ApiBadRequestResponse({ description: "Bad address, or the brand's chain or siweDomain is not set" })
  challenge(@CurrentMember() me: AuthenticatedMember, @Body() body: WalletChallengeDto): Promise<WalletChallengeView> {
    return this.wallets.challenge(me.brandId, me.memberId, body.address);
  }

  @Post('wallet')
  @ApiOperation({ summary: 'Link the wallet that signed the challenge; mints awaiting a wallet are queued' })
  @ApiCreatedResponse({ type: WalletView })
  @ApiBadRequestResponse({ description: 'Not the issued message, used or expired nonce, other domain, bad signature' })
  @ApiConflictResponse({ description: 'The member has another wallet, or another member has this one' })
  link(@CurrentMember() me: AuthenticatedMember, @Body() body: LinkWalletDto): Promise<WalletView> {
    return this.wallets.link(me.brandId, me.memberId, body.message, body.signature);
  }

  @Delete('wallet')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unlink the wallet; queued mints wait for a wallet again' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No wallet linked' })
  unlink(@CurrentMember() me: AuthenticatedMember): Promise<void> {
    return this.wallets.unlink(me.brandId, me.memberId);
  }

  @Get('tokens')
  @ApiOperation({ summary: 'Token balance read on chain (cached 60 s) and the mints still on their way' })
  @ApiOkResponse({ type: TokensView })
  @ApiBadRequestResponse({ description: "The brand's chain is not enabled" })
  tokensOf(@CurrentMember() me: AuthenticatedMember): Promise<TokensView> {
    return this.tokens.mine(me.brandId, me.memberId);
  }
}
