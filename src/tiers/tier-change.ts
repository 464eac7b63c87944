/** One move on the tier ladder (tier history). */
export interface TierChange {
  id: string;
  memberId: string;
  from: string | null;
  to: string | null;
  eventId: string | null;
  /** `upgrade` (in an event's transaction) or `downgrade` (nightly recalculation). */
  cause: string;
}
