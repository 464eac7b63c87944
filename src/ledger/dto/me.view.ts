import type { Member } from '../../members/member.entity.js';
import { toMemberView } from '../../members/dto/member.view.js';
import type { MeView } from './ledger.dto.js';

/** GET /v1/me: the member with the next points to lapse. */
export function toMeView(member: Member, next: { at: Date; points: number } | null): MeView {
  return { ...toMemberView(member), nextExpiry: next ? { at: next.at.toISOString(), points: next.points } : null };
}
