import { Injectable } from '@nestjs/common';
import type { AuthenticatedBrand } from './authenticated-brand.js';

/**
 * How long an instance trusts what it read for a key, on the monotonic clock and counted from
 * when the read started: a key revoked, or a brand changed, on another instance stops applying
 * here within this. The instance that makes the change forgets the brand at once (`forgetBrand`).
 */
export const KEY_TRUST_MS = 1_000;

/** Enough for every active key of one instance; past it the oldest read is dropped. */
export const MAX_CACHED_KEYS = 10_000;

interface Entry {
  brand: AuthenticatedBrand;
  /** performance.now() when the read that produced it started. */
  readAt: number;
}

interface Load {
  promise: Promise<AuthenticatedBrand | null>;
  epoch: number;
}

/**
 * The brand behind each live key, by the key's SHA-256 (the secret itself is never kept),
 * so that a request does not need a transaction of its own to authenticate. Unknown keys are
 * not remembered: a guessed key costs a read, never a slot. Concurrent first requests of a key
 * share one read.
 */
@Injectable()
export class BrandKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new Map<string, Load>();
  /** Moves on every forget: a read started before it may have seen the old rows, so it is neither kept nor joined. */
  private epoch = 0;

  async get(keyHash: string, read: () => Promise<AuthenticatedBrand | null>): Promise<AuthenticatedBrand | null> {
    const now = performance.now();
    const hit = this.entries.get(keyHash);
    if (hit !== undefined) {
      if (now - hit.readAt < KEY_TRUST_MS) {
        return hit.brand;
      }
      this.entries.delete(keyHash);
    }
    const pending = this.loads.get(keyHash);
    if (pending !== undefined && pending.epoch === this.epoch) {
      return pending.promise;
    }
    const load: Load = { promise: read(), epoch: this.epoch };
    this.loads.set(keyHash, load);
    try {
      const brand = await load.promise;
      if (brand !== null && load.epoch === this.epoch) {
        this.remember(keyHash, { brand, readAt: now });
      }
      return brand;
    } finally {
      if (this.loads.get(keyHash) === load) {
        this.loads.delete(keyHash);
      }
    }
  }

  /**
   * Drops what this instance holds of the brand: call it after the transaction that changed the
   * brand's row or revoked one of its keys has committed, so the next request reads them afresh.
   */
  forgetBrand(brandId: string): void {
    this.epoch++;
    for (const [hash, entry] of this.entries) {
      if (entry.brand.id === brandId) {
        this.entries.delete(hash);
      }
    }
  }

  private remember(keyHash: string, entry: Entry): void {
    this.entries.delete(keyHash);
    this.entries.set(keyHash, entry);
    if (this.entries.size > MAX_CACHED_KEYS) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
