/** One move along a member's journey, with what caused it (the stage history analytics read). */
export interface StageChange {
  id: string;
  memberId: string;
  from: string | null;
  to: string;
  eventId: string | null;
  ruleId: string | null;
  /** `transition` (built-in), `rule`, `enrollment`, `stages_replaced` */
  cause: string;
  at?: Date;
}
