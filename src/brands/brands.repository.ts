import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { ApiKey } from './api-key.entity.js';
import { Brand } from './brand.entity.js';

/** SQL for brands and their keys. Every method takes the caller's EntityManager (its transaction). */
@Injectable()
export class BrandsRepository {
  /**
   * Every instance compares this number with its compiled rule set: a bump (with every change of
   * the brand's rules, in its transaction) makes them recompile.
   */
  async bumpRulesVersion(em: EntityManager, brandId: string): Promise<number> {
    const rows = await queryRows<{ rules_version: number }>(
      em,
      `UPDATE brands SET rules_version = rules_version + 1 WHERE id = $1 RETURNING rules_version`,
      [brandId],
    );
    return rows[0].rules_version;
  }

  insertBrand(em: EntityManager, brand: Pick<Brand, 'id' | 'name' | 'settings' | 'stages'>): Promise<Brand> {
    return em.getRepository(Brand).save({ ...brand, rulesVersion: 0, createdAt: new Date(), updatedAt: new Date() });
  }

  findBrand(em: EntityManager, id: string): Promise<Brand | null> {
    return em.getRepository(Brand).findOneBy({ id });
  }

  /** Locks the brand row: settings are read-modify-written. */
  async lockBrand(em: EntityManager, id: string): Promise<Brand | null> {
    return em.getRepository(Brand).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async updateBrand(
    em: EntityManager,
    id: string,
    changes: Partial<Pick<Brand, 'name' | 'settings' | 'stages'>>,
  ): Promise<void> {
    await em.getRepository(Brand).update({ id }, { ...changes, updatedAt: new Date() });
  }

  countBrands(em: EntityManager): Promise<number> {
    return em.getRepository(Brand).count();
  }

  insertKey(
    em: EntityManager,
    key: Pick<ApiKey, 'brandId' | 'id' | 'keyHash' | 'keyPrefix' | 'name'>,
  ): Promise<ApiKey> {
    return em.getRepository(ApiKey).save({ ...key, createdAt: new Date(), revokedAt: null });
  }

  listKeys(em: EntityManager, brandId: string): Promise<ApiKey[]> {
    return em.getRepository(ApiKey).find({ where: { brandId }, order: { createdAt: 'ASC' } });
  }

  /** Revokes a live key of this brand; false when there is none by that id. */
  async revokeKey(em: EntityManager, brandId: string, keyId: string): Promise<boolean> {
    const rows = await queryRows(
      em,
      `UPDATE api_keys SET revoked_at = now() WHERE brand_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id`,
      [brandId, keyId],
    );
    return rows.length > 0;
  }

  /** The brand behind a live key: the one query every brand request makes to authenticate. */
  async findBrandByKeyHash(em: EntityManager, keyHash: string): Promise<{ brand: Brand; keyId: string } | null> {
    const rows = await queryRows(
      em,
      `SELECT b.id, b.name, b.settings, b.stages, b.rules_version, b.created_at, b.updated_at, k.id AS key_id
         FROM api_keys k JOIN brands b ON b.id = k.brand_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [keyHash],
    );
    if (rows.length === 0) {
      return null;
    }
    const r = rows[0];
    const brand = Object.assign(new Brand(), {
      id: r.id as string,
      name: r.name as string,
      settings: r.settings as Brand['settings'],
      stages: r.stages as Brand['stages'],
      rulesVersion: r.rules_version as number,
      createdAt: r.created_at as Date,
      updatedAt: r.updated_at as Date,
    });
    return { brand, keyId: r.key_id as string };
  }
}
