// One member: balance, next expiry, stage history and ledger; entries inside the window stand out.
import { api } from '../api.js';
import { stageColour } from '../charts.js';
import { el, fmt, table } from '../dom.js';

let current = '';

export async function render(section, ctx) {
  const stage = section.querySelector('#member-browse-stage')?.value ?? '';
  const browse = await api('/v1/members', { query: { limit: 25, stage } });
  const detail = el('div', { id: 'member-detail' });
  const open = async (ref) => {
    current = ref;
    try {
      detail.replaceChildren(await memberDetail(ctx, ref));
    } catch (e) {
      detail.replaceChildren(el('p', { class: 'faults' }, e.status === 404 ? `No member “${ref}”.` : e.message));
    }
  };
  section.replaceChildren(
    el('h2', { id: 'h-member' }, 'A member'),
    el(
      'form',
      {
        class: 'inline toolbar',
        onsubmit: (e) => (e.preventDefault(), void open(e.target.elements.ref.value.trim())),
      },
      el('label', { for: 'member-ref' }, 'Member (externalId or id)'),
      el('input', { id: 'member-ref', name: 'ref', required: true, value: current }),
      el('button', { type: 'submit' }, 'Show'),
    ),
    el(
      'details',
      { class: 'panel', open: true },
      el('summary', {}, 'Browse members'),
      el(
        'div',
        { class: 'inline' },
        el('label', { for: 'member-browse-stage' }, 'In stage'),
        el(
          'select',
          { id: 'member-browse-stage', onchange: () => void render(section, ctx).catch(ctx.showError) },
          el('option', { value: '' }, 'any'),
          ctx.brand.stages.map((s) => el('option', { value: s.key, selected: s.key === stage }, s.name)),
        ),
      ),
      el(
        'ul',
        {},
        browse.data.map((m) =>
          el(
            'li',
            {},
            el('button', { type: 'button', class: 'secondary', onclick: () => void open(m.externalId) }, m.externalId),
            ` ${m.stage} · ${fmt.int(m.balance.available)} points`,
          ),
        ),
      ),
    ),
    detail,
  );
  if (current) {
    await open(current);
  }
}

async function memberDetail(ctx, ref) {
  const id = encodeURIComponent(ref);
  const [member, balance, stages, ledger, rules] = await Promise.all([
    api(`/v1/members/${id}`),
    api(`/v1/members/${id}/balance`),
    api(`/v1/members/${id}/stages`),
    api(`/v1/members/${id}/ledger`, { query: { limit: 200 } }),
    api('/v1/rules', { query: { limit: 200 } }),
  ]);
  const ruleNames = new Map(rules.data.map((r) => [r.id, r.name]));
  const inWindow = (iso) => iso.slice(0, 10) >= ctx.window.from && iso.slice(0, 10) <= ctx.window.to;
  const history = stages.data;
  const entries = ledger.data;
  const earned = entries.filter((e) => inWindow(e.createdAt) && e.points > 0).reduce((s, e) => s + e.points, 0);
  const spent = entries.filter((e) => inWindow(e.createdAt) && e.points < 0).reduce((s, e) => s - e.points, 0);
  const stageName = (key) => ctx.brand.stages.find((s) => s.key === key)?.name ?? key;
  return el(
    'div',
    {},
    el(
      'h3',
      {},
      `${member.externalId} `,
      el(
        'span',
        { class: 'chip', style: `background:${stageColour(ctx.brand, member.stage)}` },
        stageName(member.stage),
      ),
      el(
        'span',
        { class: 'muted' },
        ` ${member.email ?? ''} · tier ${member.tier ?? '—'} · code ${member.referralCode}`,
      ),
    ),
    el(
      'div',
      { class: 'tiles' },
      tile('member-available', 'Available', fmt.int(member.balance.available)),
      tile('member-pending', 'Pending', fmt.int(member.balance.pending)),
      tile('member-lifetime', 'Lifetime earned', fmt.int(member.balance.lifetimeEarned)),
      tile(
        'member-expiry',
        'Next expiry',
        balance.nextExpiry ? `${fmt.int(balance.nextExpiry.points)} on ${fmt.date(balance.nextExpiry.at)}` : 'none',
      ),
      tile('member-window', 'In the window', `+${fmt.int(earned)} / −${fmt.int(spent)}`),
    ),
    el(
      'div',
      { class: 'grid-2' },
      el(
        'div',
        {},
        el('h3', {}, 'Stage history'),
        table(
          null,
          [
            { head: 'When', cell: (c) => fmt.time(c.at) },
            { head: 'From', cell: (c) => (c.from ? stageName(c.from) : '—') },
            { head: 'To', cell: (c) => stageName(c.to) },
            { head: 'Cause', cell: (c) => c.cause },
          ],
          history,
          (c) => ({ class: inWindow(c.at) ? null : 'outside' }),
        ),
      ),
      el(
        'div',
        {},
        el('h3', {}, 'Ledger'),
        table(
          ledger.nextCursor ? 'The newest 200 entries' : null,
          [
            { head: 'When', cell: (e) => fmt.time(e.createdAt) },
            { head: 'Kind', cell: (e) => `${e.kind}${e.status === 'pending' ? ' (pending)' : ''}` },
            { head: 'Points', num: true, cell: (e) => (e.points > 0 ? `+${fmt.int(e.points)}` : fmt.int(e.points)) },
            { head: 'Balance after', num: true, cell: (e) => fmt.int(e.balanceAfter) },
            { head: 'Expires', cell: (e) => fmt.date(e.expiresAt) },
            { head: 'Why', cell: (e) => e.reason ?? (e.ruleId ? (ruleNames.get(e.ruleId) ?? 'a rule') : '') },
          ],
          entries,
          (e) => ({ class: inWindow(e.createdAt) ? null : 'outside' }),
        ),
      ),
    ),
  );
}

function tile(id, label, value) {
  return el(
    'div',
    { class: 'tile', id: `tile-${id}` },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value' }, value),
  );
}
