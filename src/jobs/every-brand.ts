import type { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type JobBrand, type JobBrandsRepository } from './job-brands.repository.js';
import { count, type Processed } from './job.js';

const BRANDS_PER_PAGE = 500;

/**
 * Runs `work` for every brand in id order. One brand's failure (its rules, a bad row) is
 * logged and the pass goes on with the next brand, so it cannot starve the others; the run
 * still ends failed, naming it.
 */
export async function forEveryBrand(
  brands: JobBrandsRepository,
  em: EntityManager,
  processed: Processed,
  logger: Logger,
  work: (brand: JobBrand) => Promise<void>,
): Promise<void> {
  const failures: string[] = [];
  for (let after: string | null = null; ;) {
    const page = await brands.page(em, after, BRANDS_PER_PAGE);
    for (const brand of page) {
      count(processed, 'brands');
      try {
        await work(brand);
      } catch (e) {
        count(processed, 'brandsFailed');
        failures.push(`brand ${brand.id}: ${e instanceof Error ? e.message : String(e)}`);
        logger.error({ msg: 'job failed for a brand', err: e, brandId: brand.id });
      }
    }
    if (page.length < BRANDS_PER_PAGE) {
      break;
    }
    after = page[page.length - 1].id;
  }
  if (failures.length) {
    throw new Error(`${failures.length} brand(s) failed: ${failures.slice(0, 5).join('; ')}`);
  }
}
