import { withDefaults } from '../brand-settings.js';
import type { Brand } from '../brand.entity.js';
import type { BrandView } from './brand.dto.js';

export function toBrandView(brand: Pick<Brand, 'id' | 'name' | 'settings' | 'stages' | 'createdAt'>): BrandView {
  return {
    id: brand.id,
    name: brand.name,
    stages: brand.stages,
    settings: { ...withDefaults(brand.settings) },
    createdAt: brand.createdAt.toISOString(),
  };
}
