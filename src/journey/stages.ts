/** One step of a brand's customer journey. */
export interface JourneyStage {
  key: string;
  name: string;
}

/** The loyalty loop every brand starts with (DESIGN §1). */
export const DEFAULT_STAGES: JourneyStage[] = [
  { key: 'awareness', name: 'Awareness' },
  { key: 'consideration', name: 'Consideration' },
  { key: 'conversion', name: 'Conversion' },
  { key: 'retention', name: 'Retention' },
  { key: 'loyalty', name: 'Loyalty' },
];
