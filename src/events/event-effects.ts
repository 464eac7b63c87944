/** The answer of POST /v1/events, stored with the event and replayed to duplicates (DESIGN §4). */
export type EventEffect =
  | {
      type: 'points';
      ruleId: string;
      ruleVersion: number;
      points: number;
      status: 'pending' | 'available';
      entryId: string;
    }
  | { type: 'stage'; from: string; to: string; cause: 'transition' | 'rule'; ruleId?: string }
  | {
      type: 'token';
      ruleId: string;
      ruleVersion: number;
      amount: string;
      mintId: string;
      status: 'queued' | 'awaiting_wallet';
    }
  | { type: 'referral'; referralId: string; referrerId: string; status: 'rewarded' }
  | { type: 'tier'; from: string | null; to: string }
  | { type: 'reversal'; points: number; status: 'pending' | 'available'; entryId: string; orderId: string };

export interface EventResult {
  eventId: string;
  duplicate: boolean;
  effects: EventEffect[];
  member: {
    id: string;
    externalId: string;
    stage: string;
    tier: string | null;
    balance: { available: number; pending: number; lifetimeEarned: number };
  };
}
