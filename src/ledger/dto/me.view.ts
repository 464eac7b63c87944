import type { Member } from '../../members/member.entity.js';
import { toMemberBalanceView, toMemberView } from '../../members/dto/member.view.js';
import type { BalanceWithExpiryView, MeView, NextExpiryView } from './ledger.dto.js';

/** GET /v1/me: the member with the next points to lapse. */
export function toMeView(member: Member, next: { at: Date; points: number } | null): MeView {
  return { ...toMemberView(member), nextExpiry: toNextExpiryView(next) };
}

/** GET /v1/members/{id}/balance: the same balance and next expiry, read by the brand. */
export function toBalanceWithExpiryView(
  member: Member,
  next: { at: Date; points: number } | null,
): BalanceWithExpiryView {
  return { ...toMemberBalanceView(member), nextExpiry: toNextExpiryView(next) };
}

function toNextExpiryView(next: { at: Date; points: number } | null): NextExpiryView | null {
  return next ? { at: next.at.toISOString(), points: next.points } : null;
}
