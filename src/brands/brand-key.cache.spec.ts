import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { AuthenticatedBrand } from './authenticated-brand.js';
import { BrandKeyCache, KEY_TRUST_MS } from './brand-key.cache.js';

const brand = (id: string, rulesVersion = 0) => ({ id, rulesVersion }) as AuthenticatedBrand;

describe('BrandKeyCache', () => {
  let clock = 1_000;
  jest.spyOn(performance, 'now').mockImplementation(() => clock);
  afterEach(() => {
    clock = 1_000;
  });

  it('answers a key from memory until KEY_TRUST_MS after its read started, then reads again', async () => {
    const cache = new BrandKeyCache();
    const read = jest.fn(async () => brand('b1'));
    await cache.get('h1', read);
    clock += KEY_TRUST_MS - 1;
    await cache.get('h1', read);
    expect(read).toHaveBeenCalledTimes(1);
    clock += 1;
    await cache.get('h1', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('counts the bound from the start of a slow read, not from its end', async () => {
    const cache = new BrandKeyCache();
    await cache.get('h1', async () => {
      clock += KEY_TRUST_MS; // the read took the whole bound
      return brand('b1');
    });
    const read = jest.fn(async () => brand('b1'));
    await cache.get('h1', read);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('never keeps an unknown key', async () => {
    const cache = new BrandKeyCache();
    const read = jest.fn(async () => null);
    expect(await cache.get('nope', read)).toBeNull();
    expect(await cache.get('nope', read)).toBeNull();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('shares one read among concurrent first requests of a key', async () => {
    const cache = new BrandKeyCache();
    const read = jest.fn(async () => brand('b1'));
    const answers = await Promise.all([cache.get('h1', read), cache.get('h1', read), cache.get('h1', read)]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('forgets every key of a brand, and only that brand', async () => {
    const cache = new BrandKeyCache();
    await cache.get('a1', async () => brand('a'));
    await cache.get('a2', async () => brand('a'));
    await cache.get('b1', async () => brand('b'));
    cache.forgetBrand('a');
    const read = jest.fn(async () => brand('a', 1));
    expect((await cache.get('a1', read))?.rulesVersion).toBe(1);
    expect((await cache.get('a2', read))?.rulesVersion).toBe(1);
    await cache.get('b1', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('neither keeps nor lets anyone join a read that started before a forget', async () => {
    const cache = new BrandKeyCache();
    let finish!: (b: AuthenticatedBrand) => void;
    const stale = cache.get('h1', () => new Promise((r) => (finish = r)));
    cache.forgetBrand('b1'); // the change committed while that read was under way
    const fresh = cache.get('h1', async () => brand('b1', 2));
    finish(brand('b1', 1));
    expect((await stale)?.rulesVersion).toBe(1);
    expect((await fresh)?.rulesVersion).toBe(2);
    expect((await cache.get('h1', async () => brand('b1', 3)))?.rulesVersion).toBe(2);
  });
});
