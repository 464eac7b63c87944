import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BrandsRepository } from '../brands/brands.repository.js';
import { withDefaults } from '../brands/brand-settings.js';
import { validationFailed } from '../common/errors/domain-error.js';
import { type Page, type PageQuery, toPage } from '../common/http/pagination.js';
import { MembersService } from '../members/members.service.js';
import { ChainErrors } from './chain-errors.js';
import { ChainRepository } from './chain.repository.js';
import { type ChainSettings, enabledChain, TOKEN_DECIMALS } from './chain-settings.js';
import type { MintItemView, TokensView } from './dto/tokens.dto.js';
import { TokenBalances } from './token-balances.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a member holds on chain and what is still on its way. */
@Injectable()
export class TokensService {
  constructor(
    private readonly db: DataSource,
    private readonly chain: ChainRepository,
    private readonly brands: BrandsRepository,
    private readonly members: MembersService,
    private readonly balances: TokenBalances,
  ) {}

  async mine(brandId: string, memberId: string): Promise<TokensView> {
    const chain = await this.enabledChain(brandId);
    if (!chain) {
      throw ChainErrors.notEnabled();
    }
    const member = await this.members.find(brandId, memberId);
    const open = await this.chain.mintsOf(this.db.manager, brandId, memberId, { open: true, limit: 200 });
    const pending = open.slice(0, 200).map((m) => ({ mintId: m.id, amount: m.amount, status: m.status }));
    if (!member.walletAddress) {
      const meta = await this.metaOnly(chain);
      return { walletAddress: null, balance: null, ...meta, pending };
    }
    const b = await this.balances.of(chain, member.walletAddress);
    return { walletAddress: member.walletAddress, balance: b.balance, symbol: b.symbol, decimals: b.decimals, pending };
  }

  /** The member's balance in whole-token base units (0 without a wallet); null when the brand's chain is off. */
  async balanceOf(brandId: string, walletAddress: string | null): Promise<bigint | null> {
    const chain = await this.enabledChain(brandId);
    if (!chain) {
      return null;
    }
    return walletAddress ? (await this.balances.of(chain, walletAddress)).raw : 0n;
  }

  async mintsOf(brandId: string, idOrExternalId: string, q: PageQuery): Promise<Page<MintItemView>> {
    if (q.cursor !== undefined && !UUID.test(q.cursor)) {
      throw validationFailed([{ path: 'cursor', message: 'must be a nextCursor from a previous page' }]);
    }
    const member = await this.members.find(brandId, idOrExternalId);
    const limit = q.limit ?? 50;
    const rows = await this.chain.mintsOf(this.db.manager, brandId, member.id, { cursor: q.cursor, limit });
    return toPage(rows, limit);
  }

  private async enabledChain(brandId: string): Promise<ChainSettings | null> {
    const brand = await this.brands.findBrand(this.db.manager, brandId);
    return enabledChain(withDefaults(brand?.settings));
  }

  private async metaOnly(chain: ChainSettings): Promise<{ symbol: string; decimals: number }> {
    // the zero address has a balance like any other: one cached read gives symbol and decimals
    const b = await this.balances.of(chain, '0x0000000000000000000000000000000000000000');
    return { symbol: b.symbol, decimals: b.decimals ?? TOKEN_DECIMALS };
  }
}
