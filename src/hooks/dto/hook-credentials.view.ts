import type { HookSecretRow, HookTokenRow } from '../hook-credentials.repository.js';
import type { HookSecretView, HookTokenView } from './hook-credentials.dto.js';

/** Never the secret itself: only the answer that creates one shows it. */
export function toHookSecretView(s: Pick<HookSecretRow, 'id' | 'createdAt'>): HookSecretView {
  return { id: s.id, createdAt: s.createdAt.toISOString() };
}

export function toHookTokenView(t: HookTokenRow): HookTokenView {
  return { id: t.id, name: t.name, prefix: t.prefix, createdAt: t.createdAt.toISOString() };
}
