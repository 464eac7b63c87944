import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

export interface HookSecretRow {
  id: string;
  sealedSecret: string;
  createdAt: Date;
}

export interface HookTokenRow {
  id: string;
  prefix: string;
  name: string;
  createdAt: Date;
}

/** hook_secrets (sealed, read back to verify signatures) and hook_tokens (hashes only). */
@Injectable()
export class HookCredentialsRepository {
  async insertSecret(em: EntityManager, brandId: string, id: string, sealedSecret: string): Promise<Date> {
    const rows = await queryRows<{ created_at: Date }>(
      em,
      `INSERT INTO hook_secrets (brand_id, id, sealed_secret) VALUES ($1, $2, $3) RETURNING created_at`,
      [brandId, id, sealedSecret],
    );
    return rows[0].created_at;
  }

  /** The live secrets, oldest first. */
  async liveSecrets(em: EntityManager, brandId: string): Promise<HookSecretRow[]> {
    const rows = await queryRows(
      em,
      `SELECT id, sealed_secret, created_at FROM hook_secrets WHERE brand_id = $1 AND revoked_at IS NULL ORDER BY id`,
      [brandId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      sealedSecret: r.sealed_secret as string,
      createdAt: r.created_at as Date,
    }));
  }

  async revokeSecret(em: EntityManager, brandId: string, id: string): Promise<boolean> {
    const rows = await queryRows(
      em,
      `UPDATE hook_secrets SET revoked_at = now() WHERE brand_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id`,
      [brandId, id],
    );
    return rows.length > 0;
  }

  async insertToken(
    em: EntityManager,
    brandId: string,
    t: { id: string; tokenHash: string; prefix: string; name: string },
  ): Promise<Date> {
    const rows = await queryRows<{ created_at: Date }>(
      em,
      `INSERT INTO hook_tokens (brand_id, id, token_hash, token_prefix, name) VALUES ($1, $2, $3, $4, $5) RETURNING created_at`,
      [brandId, t.id, t.tokenHash, t.prefix, t.name],
    );
    return rows[0].created_at;
  }

  async liveTokens(em: EntityManager, brandId: string): Promise<HookTokenRow[]> {
    const rows = await queryRows(
      em,
      `SELECT id, token_prefix, name, created_at FROM hook_tokens WHERE brand_id = $1 AND revoked_at IS NULL ORDER BY id`,
      [brandId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      prefix: r.token_prefix as string,
      name: r.name as string,
      createdAt: r.created_at as Date,
    }));
  }

  async isLiveToken(em: EntityManager, brandId: string, tokenHash: string): Promise<boolean> {
    const rows = await queryRows(
      em,
      `SELECT 1 FROM hook_tokens WHERE brand_id = $1 AND token_hash = $2 AND revoked_at IS NULL`,
      [brandId, tokenHash],
    );
    return rows.length > 0;
  }

  async revokeToken(em: EntityManager, brandId: string, id: string): Promise<boolean> {
    const rows = await queryRows(
      em,
      `UPDATE hook_tokens SET revoked_at = now() WHERE brand_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id`,
      [brandId, id],
    );
    return rows.length > 0;
  }
}
