/** The 6-point feedback scale, in the words the ratings are given in, with English beside them. */
export const RATING_LABELS: ReadonlyArray<{ rating: number; label: string; labelEn: string }> = [
  { rating: 1, label: 'slecht', labelEn: 'bad' },
  { rating: 2, label: 'matig', labelEn: 'poor' },
  { rating: 3, label: 'aardig', labelEn: 'fair' },
  { rating: 4, label: 'best', labelEn: 'decent' },
  { rating: 5, label: 'goed', labelEn: 'good' },
  { rating: 6, label: 'subliem', labelEn: 'sublime' },
];

/** The word for a mean rating: the nearest point of the scale (halves round up). */
export function labelOf(mean: number): { label: string; labelEn: string } {
  const point = Math.min(6, Math.max(1, Math.floor(mean + 0.5)));
  const { label, labelEn } = RATING_LABELS[point - 1];
  return { label, labelEn };
}
