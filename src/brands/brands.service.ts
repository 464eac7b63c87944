import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChainClient } from '../chain/chain-client.js';
import { ChainSettingsVerifier } from '../chain/chain-settings.verifier.js';
import { newId } from '../common/ids.js';
import { hashSecret, newSecret } from '../common/secret-token.js';
import { DEFAULT_STAGES } from '../journey/stages.js';
import type { AuthenticatedBrand } from './authenticated-brand.js';
import { BrandErrors } from './brand-errors.js';
import { BrandKeyCache } from './brand-key.cache.js';
import { type BrandSettings, mergeSettings, withDefaults } from './brand-settings.js';
import { BrandsRepository } from './brands.repository.js';
import { toApiKeyView } from './dto/api-key.view.js';
import { toBrandView } from './dto/brand.view.js';
import type { ApiKeyView, BrandView, CreatedApiKeyView, CreatedBrandView, UpdateBrandDto } from './dto/brand.dto.js';

const KEY_PREFIX = 'sk_';

@Injectable()
export class BrandsService {
  constructor(
    private readonly db: DataSource,
    private readonly brands: BrandsRepository,
    private readonly chain: ChainSettingsVerifier,
    private readonly chainClient: ChainClient,
    private readonly keys: BrandKeyCache,
  ) {}

  /** A new brand with the default journey and its first secret key (returned once). */
  async createBrand(name: string): Promise<CreatedBrandView> {
    return this.db.transaction(async (em) => {
      const brand = await this.brands.insertBrand(em, {
        id: newId(),
        name,
        settings: withDefaults({}),
        stages: DEFAULT_STAGES,
      });
      const apiKey = await this.issueKey(em, brand.id, 'default');
      return { brand: toBrandView(brand), apiKey };
    });
  }

  /** At most KEY_TRUST_MS old on another instance than the one that revoked the key or changed the brand. */
  async authenticate(secret: string): Promise<AuthenticatedBrand> {
    if (!secret.startsWith(KEY_PREFIX)) {
      throw BrandErrors.invalidKey();
    }
    const keyHash = hashSecret(secret);
    const brand = await this.keys.get(keyHash, () => this.readKey(keyHash));
    if (!brand) {
      throw BrandErrors.invalidKey();
    }
    return brand;
  }

  private async readKey(keyHash: string): Promise<AuthenticatedBrand | null> {
    const found = await this.brands.findBrandByKeyHash(this.db.manager, keyHash);
    if (!found) {
      return null;
    }
    const { brand, keyId } = found;
    return {
      id: brand.id,
      name: brand.name,
      settings: withDefaults(brand.settings),
      stages: brand.stages,
      rulesVersion: brand.rulesVersion,
      keyId,
    };
  }

  async getBrand(brandId: string): Promise<BrandView> {
    const brand = await this.brands.findBrand(this.db.manager, brandId);
    if (!brand) {
      throw BrandErrors.notFound();
    }
    return this.withSigner(toBrandView(brand));
  }

  async updateBrand(brandId: string, patch: UpdateBrandDto): Promise<BrandView> {
    // checked against the chain before the transaction: no RPC call while the brand row is locked
    let chain: BrandSettings['chain'] | undefined;
    if (patch.settings?.chain) {
      const stored = await this.brands.findBrand(this.db.manager, brandId);
      chain = await this.chain.check(
        mergeSettings(stored?.settings ?? {}, { chain: patch.settings.chain }).chain ?? {},
      );
    }
    const view = await this.db.transaction(async (em) => {
      const brand = await this.brands.lockBrand(em, brandId);
      if (!brand) {
        throw BrandErrors.notFound();
      }
      const settings = patch.settings
        ? mergeSettings(brand.settings, { ...patch.settings, ...(chain !== undefined ? { chain } : {}) })
        : withDefaults(brand.settings);
      const name = patch.name ?? brand.name;
      await this.brands.updateBrand(em, brandId, { name, settings });
      return toBrandView({ ...brand, name, settings });
    });
    this.keys.forgetBrand(brandId);
    return this.withSigner(view);
  }

  /** The minter's address (never its key) beside the chain settings. */
  private withSigner(view: BrandView): BrandView {
    return { ...view, chainSigner: this.chainClient.signerAddress };
  }

  async createKey(brandId: string, name?: string | null): Promise<CreatedApiKeyView> {
    return this.db.transaction((em) => this.issueKey(em, brandId, name ?? 'default'));
  }

  async listKeys(brandId: string): Promise<ApiKeyView[]> {
    return (await this.brands.listKeys(this.db.manager, brandId)).map(toApiKeyView);
  }

  /** A brand can rotate keys but never lock itself out by revoking its last live one. */
  async revokeKey(brandId: string, keyId: string): Promise<void> {
    await this.db.transaction(async (em) => {
      await this.brands.lockBrand(em, brandId); // serialises concurrent revocations
      const live = (await this.brands.listKeys(em, brandId)).filter((k) => !k.revokedAt);
      if (!live.some((k) => k.id === keyId)) {
        throw BrandErrors.keyNotFound(keyId);
      }
      if (live.length === 1) {
        throw BrandErrors.lastKey();
      }
      await this.brands.revokeKey(em, brandId, keyId);
    });
    // committed: on this instance the key is refused from the next request on
    this.keys.forgetBrand(brandId);
  }

  countBrands(): Promise<number> {
    return this.brands.countBrands(this.db.manager);
  }

  private async issueKey(
    em: Parameters<BrandsRepository['insertKey']>[0],
    brandId: string,
    name: string,
  ): Promise<CreatedApiKeyView> {
    const secret = newSecret(KEY_PREFIX);
    const key = await this.brands.insertKey(em, {
      brandId,
      id: newId(),
      keyHash: hashSecret(secret),
      keyPrefix: secret.slice(0, 7),
      name,
    });
    return { ...toApiKeyView(key), key: secret };
  }
}
