import type { LedgerEntryRow } from '../ledger.repository.js';
import type { LedgerEntryView } from './ledger.dto.js';

export function toLedgerEntryView(e: LedgerEntryRow): LedgerEntryView {
  return {
    id: e.id,
    kind: e.kind,
    status: e.status,
    points: e.points,
    balanceAfter: e.balanceAfter,
    eventId: e.eventId,
    ruleId: e.ruleId,
    ruleVersion: e.ruleVersion,
    redemptionId: e.redemptionId,
    reason: e.reason,
    actor: e.actor,
    availableAt: e.availableAt.toISOString(),
    expiresAt: e.expiresAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
  };
}
