// The loop: the brand's stages as a cycle, each with members now and entered in the window, arrows
// labelled with the conversion to the next stage; loyalty closes the loop into awareness by referrals.
import { api, downloadCsv } from '../api.js';
import { stageColour } from '../charts.js';
import { csvButtons, el, fmt, svg, table } from '../dom.js';

export async function render(section, ctx) {
  const query = ctx.window;
  const [funnel, referrals, points] = await Promise.all([
    api('/v1/analytics/funnel', { query }),
    api('/v1/analytics/referrals', { query }),
    api('/v1/analytics/points', { query }),
  ]);
  ctx.setAsOf(funnel);
  const currency = ctx.brand.settings.currency ?? '';
  section.replaceChildren(
    el('h2', { id: 'h-loop' }, 'The loop'),
    csvButtons(
      ctx,
      ['funnel', 'referrals', 'points'].map((name) => [name, `/v1/analytics/${name}`, query]),
      downloadCsv,
    ),
    el(
      'div',
      { class: 'tiles' },
      tile('liability-points', 'Liability (points)', fmt.int(points.liability.total), [
        `${fmt.int(points.liability.available)} available · ${fmt.int(points.liability.pending)} pending`,
      ]),
      tile(
        'liability-money',
        'Liability (money)',
        points.liabilityValue === null ? '—' : `${points.liabilityValue} ${currency}`,
        [points.liabilityValue === null ? 'Set the brand setting pointValue to see it' : 'points held × pointValue'],
      ),
      tile('k-factor', 'K-factor', fmt.num(referrals.kFactor, 3), [
        `${fmt.int(referrals.qualified)} qualified referrals ÷ ${fmt.int(referrals.activeMembers)} active members`,
      ]),
      tile('breakage', 'Breakage', fmt.pct(points.breakage), [
        `${fmt.int(points.expired)} expired of ${fmt.int(points.issued)} issued`,
      ]),
    ),
    el('div', { class: 'panel loop' }, cycle(ctx.brand, funnel.stages, referrals)),
    table(
      'The loop as a table',
      [
        { head: 'Stage', cell: (s) => s.name },
        { head: 'Members now', num: true, cell: (s) => fmt.int(s.current) },
        { head: 'Entered in window', num: true, cell: (s) => fmt.int(s.entered) },
        { head: 'Advanced', num: true, cell: (s) => fmt.int(s.advanced) },
        { head: 'Conversion to next', num: true, cell: (s) => fmt.pct(s.conversionToNext) },
        { head: 'Median days in stage', num: true, cell: (s) => fmt.num(s.medianDaysInStage, 1) },
      ],
      funnel.stages,
      (s) => ({ 'data-stage-row': s.key }),
    ),
  );
}

function tile(id, label, value, notes) {
  return el(
    'div',
    { class: 'tile', id: `tile-${id}` },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value' }, value),
    notes.map((n) => el('div', { class: 'note' }, n)),
  );
}

const W = 820;
const H = 600;
const NODE_R = 66;

/** Stages on a circle, clockwise from the top; arrows bow outward between neighbours. */
function cycle(brand, stages, referrals) {
  const cx = W / 2;
  const cy = H / 2;
  const radius = Math.min(W, H) / 2 - NODE_R - 24;
  const at = (i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / stages.length;
    return { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle), angle };
  };
  const title = 'The loop: members in each stage and conversion to the next';
  const desc = stages
    .map((s) => `${s.name}: ${s.current} now, ${s.entered} entered, ${fmt.pct(s.conversionToNext)} on to the next`)
    .join('; ');
  const arrows = stages.map((s, i) => {
    const last = i === stages.length - 1;
    const label = last
      ? `referrals: K ${fmt.num(referrals.kFactor, 3)} (${fmt.int(referrals.qualified)} qualified)`
      : fmt.pct(s.conversionToNext);
    return arrow(at(i), at((i + 1) % stages.length), { x: cx, y: cy }, label, last, s.key);
  });
  const nodes = stages.map((s, i) => {
    const p = at(i);
    return svg(
      'g',
      { 'data-stage': s.key, 'data-current': s.current, 'data-entered': s.entered },
      svg('circle', { cx: p.x, cy: p.y, r: NODE_R, fill: stageColour(brand, s.key), 'fill-opacity': 0.22 }),
      svg('circle', {
        cx: p.x,
        cy: p.y,
        r: NODE_R,
        fill: 'none',
        stroke: stageColour(brand, s.key),
        'stroke-width': 3,
      }),
      svg('text', { x: p.x, y: p.y - 14, 'text-anchor': 'middle', class: 'node-name' }, s.name),
      svg(
        'text',
        { x: p.x, y: p.y + 8, 'text-anchor': 'middle', class: 'node-figure current' },
        `${fmt.int(s.current)} now`,
      ),
      svg(
        'text',
        { x: p.x, y: p.y + 28, 'text-anchor': 'middle', class: 'node-figure entered' },
        `${fmt.int(s.entered)} entered`,
      ),
    );
  });
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'loop-title loop-desc' },
    svg('title', { id: 'loop-title' }, title),
    svg('desc', { id: 'loop-desc' }, desc),
    svg(
      'defs',
      {},
      svg(
        'marker',
        { id: 'head', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
        svg('path', { d: 'M0,0 L10,5 L0,10 z' }),
      ),
    ),
    arrows,
    nodes,
  );
}

function arrow(a, b, centre, label, referral, fromKey) {
  // Leave and arrive at the node's edge, along the chord; bow the curve away from the centre.
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  const ux = dx / len;
  const uy = dy / len;
  const start = { x: a.x + ux * (NODE_R + 4), y: a.y + uy * (NODE_R + 4) };
  const end = { x: b.x - ux * (NODE_R + 6), y: b.y - uy * (NODE_R + 6) };
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const ox = mid.x - centre.x;
  const oy = mid.y - centre.y;
  const olen = Math.hypot(ox, oy) || 1;
  const bow = 28;
  const ctrl = { x: mid.x + (ox / olen) * bow, y: mid.y + (oy / olen) * bow };
  const labelAt = { x: mid.x + (ox / olen) * (bow + 22), y: mid.y + (oy / olen) * (bow + 22) };
  const anchor = Math.abs(ox / olen) < 0.3 ? 'middle' : ox > 0 ? 'start' : 'end';
  return svg(
    'g',
    { 'data-arrow-from': fromKey },
    svg('path', {
      d: `M${start.x},${start.y} Q${ctrl.x},${ctrl.y} ${end.x},${end.y}`,
      class: referral ? 'arrow referral' : 'arrow',
      'marker-end': 'url(#head)',
    }),
    svg('text', { x: labelAt.x, y: labelAt.y + 4, 'text-anchor': anchor, class: 'arrow-label' }, label),
  );
}
