import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { BrandsRepository } from '../brands/brands.repository.js';
import { newId } from '../common/ids.js';
import { hashSecret, newSecret } from '../common/secret-token.js';
import { inTransaction } from '../database/transaction.js';
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js';
import type {
  CreatedHookSecretView,
  CreatedHookTokenView,
  HookSecretListView,
  HookTokenListView,
} from './dto/hook-credentials.dto.js';
import { toHookSecretView, toHookTokenView } from './dto/hook-credentials.view.js';
import { HookCredentialsRepository } from './hook-credentials.repository.js';
import { HookErrors } from './hook-errors.js';

const MAX_LIVE_SECRETS = 2;
export const HOOK_TOKEN_PREFIX = 'ht_';

/** A brand's credentials for inbound hooks: signing secrets (sealed) and tokens (hashed). */
@Injectable()
export class HookCredentialsService {
  constructor(
    private readonly db: DataSource,
    private readonly brands: BrandsRepository,
    private readonly credentials: HookCredentialsRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
  ) {}

  /** A Standard Webhooks secret `whsec_<base64 of 32 random bytes>`, shown once. At most two live. */
  async createSecret(brandId: string): Promise<CreatedHookSecretView> {
    const box = this.requireBox();
    return inTransaction(this.db, async (em) => {
      await this.brands.lockBrand(em, brandId); // two concurrent creations cannot both see one live secret
      if ((await this.credentials.liveSecrets(em, brandId)).length >= MAX_LIVE_SECRETS) {
        throw HookErrors.tooManySecrets();
      }
      const id = newId();
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const createdAt = await this.credentials.insertSecret(em, brandId, id, box.seal(secret));
      return { ...toHookSecretView({ id, createdAt }), secret };
    });
  }

  async listSecrets(brandId: string): Promise<HookSecretListView> {
    const rows = await this.credentials.liveSecrets(this.db.manager, brandId);
    return { data: rows.map(toHookSecretView), nextCursor: null };
  }

  async revokeSecret(brandId: string, id: string): Promise<void> {
    if (!(await this.credentials.revokeSecret(this.db.manager, brandId, id))) {
      throw HookErrors.secretNotFound(id);
    }
  }

  /** The live secrets in the clear, to verify a signature with. */
  async openSecrets(em: EntityManager, brandId: string): Promise<string[]> {
    const box = this.requireBox();
    return (await this.credentials.liveSecrets(em, brandId)).map((r) => box.open(r.sealedSecret));
  }

  async createToken(brandId: string, name?: string): Promise<CreatedHookTokenView> {
    const token = newSecret(HOOK_TOKEN_PREFIX);
    const id = newId();
    const prefix = token.slice(0, 7);
    const label = name ?? 'default';
    const createdAt = await this.credentials.insertToken(this.db.manager, brandId, {
      id,
      tokenHash: hashSecret(token),
      prefix,
      name: label,
    });
    return { ...toHookTokenView({ id, name: label, prefix, createdAt }), token };
  }

  async listTokens(brandId: string): Promise<HookTokenListView> {
    const rows = await this.credentials.liveTokens(this.db.manager, brandId);
    return { data: rows.map(toHookTokenView), nextCursor: null };
  }

  async revokeToken(brandId: string, id: string): Promise<void> {
    if (!(await this.credentials.revokeToken(this.db.manager, brandId, id))) {
      throw HookErrors.tokenNotFound(id);
    }
  }

  async isLiveToken(brandId: string, token: string | undefined): Promise<boolean> {
    if (typeof token !== 'string' || !token.startsWith(HOOK_TOKEN_PREFIX) || token.length > 200) {
      return false;
    }
    return this.credentials.isLiveToken(this.db.manager, brandId, hashSecret(token));
  }

  private requireBox(): SecretBox {
    if (!this.box) {
      throw HookErrors.noSecretsKey();
    }
    return this.box;
  }
}
