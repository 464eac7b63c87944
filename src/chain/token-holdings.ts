import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BrandsRepository } from '../brands/brands.repository.js';
import { withDefaults } from '../brands/brand-settings.js';
import { enabledChain } from './chain-settings.js';
import { TokenBalances } from './token-balances.js';

/** What a member's wallet holds, for token-gated rewards (base units, 18 decimals). */
@Injectable()
export class TokenHoldings {
  private readonly logger = new Logger('TokenHoldings');

  constructor(
    private readonly db: DataSource,
    private readonly brands: BrandsRepository,
    private readonly balances: TokenBalances,
  ) {}

  /** 0 without a wallet; null when the brand's chain is off or cannot be read (a gate then stays closed). */
  async heldBy(brandId: string, walletAddress: string | null): Promise<bigint | null> {
    const brand = await this.brands.findBrand(this.db.manager, brandId);
    const chain = enabledChain(withDefaults(brand?.settings));
    if (!chain) {
      return null;
    }
    if (!walletAddress) {
      return 0n;
    }
    try {
      return (await this.balances.of(chain, walletAddress)).raw;
    } catch (e) {
      this.logger.warn({ msg: 'token balance unreadable: gated rewards stay closed', brandId, err: String(e) });
      return null;
    }
  }
}
