import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { getAddress } from 'ethers';
import { SiweMessage } from 'siwe';
import { DataSource } from 'typeorm';
import { BrandsRepository } from '../brands/brands.repository.js';
import { withDefaults } from '../brands/brand-settings.js';
import { MembersRepository } from '../members/members.repository.js';
import { ChainErrors } from './chain-errors.js';
import { ChainRepository } from './chain.repository.js';
import { enabledChain } from './chain-settings.js';
import type { WalletChallengeView, WalletView } from './dto/wallet.dto.js';

const CHALLENGE_TTL_MS = 10 * 60_000;

/** Links a member's wallet by a Sign-In with Ethereum (EIP-4361) signature over a single-use challenge. */
@Injectable()
export class WalletsService {
  constructor(
    private readonly db: DataSource,
    private readonly chain: ChainRepository,
    private readonly brands: BrandsRepository,
    private readonly members: MembersRepository,
  ) {}

  async challenge(brandId: string, memberId: string, address: string): Promise<WalletChallengeView> {
    const { chain, domain } = await this.siweSettings(brandId);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
    const nonce = randomBytes(12).toString('hex'); // siwe wants ≥ 8 alphanumerics
    const message = new SiweMessage({
      domain,
      address: getAddress(address.toLowerCase()),
      statement: 'Link this wallet to your loyalty membership.',
      uri: `https://${domain}`,
      version: '1',
      chainId: chain.chainId,
      nonce,
      issuedAt: now.toISOString(),
      expirationTime: expiresAt.toISOString(),
    }).prepareMessage();
    await this.chain.insertChallenge(this.db.manager, {
      brandId,
      nonce,
      memberId,
      address: getAddress(address.toLowerCase()),
      message,
      expiresAt,
    });
    return { message, nonce, expiresAt: expiresAt.toISOString() };
  }

  async link(brandId: string, memberId: string, message: string, signature: string): Promise<WalletView> {
    const { domain } = await this.siweSettings(brandId);
    let parsed: SiweMessage;
    try {
      parsed = new SiweMessage(message);
    } catch {
      // siwe's parse errors carry its parser's state as JSON: not an answer for a client
      throw ChainErrors.challengeInvalid('not an EIP-4361 message');
    }
    const now = new Date();
    const result = await parsed.verify(
      { signature, domain, nonce: parsed.nonce, time: now.toISOString() },
      {
        suppressExceptions: true,
      },
    );
    if (!result.success) {
      throw ChainErrors.badSignature(String(result.error?.type ?? 'invalid'));
    }
    try {
      return await this.db.transaction(async (em) => {
        const challenge = await this.chain.consumeChallenge(em, brandId, memberId, parsed.nonce, now);
        if (!challenge || challenge.message !== message) {
          throw ChainErrors.challengeInvalid('unknown, used or expired nonce, or not the message issued for it');
        }
        const address = challenge.address;
        const member = await this.chain.lockMemberWallet(em, brandId, memberId);
        if (member?.walletAddress) {
          if (member.walletAddress.toLowerCase() === address.toLowerCase()) {
            return { walletAddress: member.walletAddress, mintsQueued: 0 };
          }
          throw ChainErrors.memberHasWallet();
        }
        const owner = await this.chain.walletOwner(em, brandId, address);
        if (owner && owner !== memberId) {
          throw ChainErrors.walletTaken();
        }
        await this.members.setWallet(em, brandId, memberId, address);
        const mintsQueued = await this.chain.queueAwaiting(em, brandId, memberId);
        return { walletAddress: address, mintsQueued };
      });
    } catch (e) {
      if ((e as { driverError?: { constraint?: string } }).driverError?.constraint === 'members_wallet') {
        throw ChainErrors.walletTaken(); // a concurrent link of the same wallet
      }
      throw e;
    }
  }

  async unlink(brandId: string, memberId: string): Promise<void> {
    await this.db.transaction(async (em) => {
      const member = await this.chain.lockMemberWallet(em, brandId, memberId);
      if (!member?.walletAddress) {
        throw ChainErrors.noWallet();
      }
      await this.members.setWallet(em, brandId, memberId, null);
      await this.chain.awaitWallet(em, brandId, memberId);
    });
  }

  private async siweSettings(brandId: string) {
    const brand = await this.brands.findBrand(this.db.manager, brandId);
    const settings = withDefaults(brand?.settings);
    const chain = enabledChain(settings);
    if (!chain) {
      throw ChainErrors.notEnabled();
    }
    if (!settings.siweDomain) {
      throw ChainErrors.noSiweDomain();
    }
    return { chain, domain: settings.siweDomain };
  }
}
