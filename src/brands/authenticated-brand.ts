import type { BrandSettings } from './brand-settings.js';
import type { JourneyStage } from '../journey/stages.js';

/** The brand a request acts for, resolved from its API key once per request. */
export interface AuthenticatedBrand {
  id: string;
  name: string;
  settings: BrandSettings;
  stages: JourneyStage[];
  rulesVersion: number;
  keyId: string;
}
