// The journey map: each touchpoint's mean rating on the 6-point scale over time, coloured by the stage
// members were in when they rated it, so a dip shows where the experience disappoints.
import { api, downloadCsv } from '../api.js';
import { chartCanvas, drawChart, stageColour } from '../charts.js';
import { csvButtons, el, fmt, table } from '../dom.js';

const SCALE = {
  1: 'slecht (bad)',
  2: 'matig (poor)',
  3: 'aardig (fair)',
  4: 'best (decent)',
  5: 'goed (good)',
  6: 'subliem (sublime)',
};
let interval = 'week';
const MARKERS = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot'];
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

export async function render(section, ctx) {
  const answer = await api('/v1/analytics/touchpoints', { query: { ...ctx.window, interval } });
  ctx.setAsOf(answer);
  const stageName = (key) => ctx.brand.stages.find((s) => s.key === key)?.name ?? key;
  const picker = el(
    'select',
    { id: 'journey-interval', onchange: (e) => ((interval = e.target.value), void render(section, ctx)) },
    ['day', 'week', 'month'].map((i) => el('option', { value: i, selected: i === interval }, i)),
  );
  const touchpoints = answer.touchpoints;
  section.replaceChildren(
    el('h2', { id: 'h-journey' }, 'Journey map'),
    csvButtons(ctx, [['touchpoints', '/v1/analytics/touchpoints', { ...ctx.window, interval }]], downloadCsv),
    el('div', { class: 'inline' }, el('label', { for: 'journey-interval' }, 'Interval'), picker),
    el(
      'div',
      { class: 'panel' },
      touchpoints.length === 0
        ? el('p', {}, 'No feedback events in this window.')
        : chartCanvas(
            'journey-chart',
            'Mean rating per touchpoint over time, 1 (slecht) to 6 (subliem), coloured by stage',
          ),
    ),
    table(
      'Touchpoints in the window (feedback events); a mean under 3.5 is in red',
      [
        { head: 'Touchpoint', cell: (t) => t.touchpoint },
        { head: 'Stage', cell: (t) => chip(ctx.brand, t.stage, stageName(t.stage)) },
        { head: 'Ratings', num: true, cell: (t) => fmt.int(t.count) },
        { head: 'Mean', num: true, cell: (t) => el('span', { class: t.mean < 3.5 ? 'dip' : null }, fmt.num(t.mean)) },
        { head: 'Label', cell: (t) => `${t.label} (${english(t.label)})` },
        { head: 'Distribution 1–6', cell: (t) => distribution(t) },
      ],
      touchpoints,
    ),
  );
  if (touchpoints.length === 0) {
    return;
  }
  const names = [...new Set(touchpoints.map((t) => t.touchpoint))].sort();
  const starts = [...new Set(touchpoints.flatMap((t) => t.series.map((p) => p.start)))].sort();
  drawChart('journey-chart', {
    type: 'line',
    data: {
      labels: starts.map(fmt.date),
      datasets: touchpoints.map((t) => {
        // Colour says the stage; the marker and dash say the touchpoint.
        const colour = stageColour(ctx.brand, t.stage);
        const shape = names.indexOf(t.touchpoint);
        const byStart = new Map(t.series.map((p) => [p.start, p.mean]));
        return {
          label: `${t.touchpoint} · ${stageName(t.stage)}`,
          data: starts.map((s) => byStart.get(s) ?? null),
          borderColor: colour,
          backgroundColor: colour,
          pointStyle: MARKERS[shape % MARKERS.length],
          pointRadius: 5,
          borderDash: DASHES[shape % DASHES.length],
          spanGaps: true,
        };
      }),
    },
    options: {
      plugins: { legend: { labels: { usePointStyle: true } } },
      scales: { y: { min: 1, max: 6, ticks: { stepSize: 1, callback: (v) => `${v} ${SCALE[v] ?? ''}` } } },
    },
  });
}

function english(label) {
  const entry = Object.values(SCALE).find((s) => s.startsWith(`${label} `));
  return entry ? entry.slice(label.length + 2, -1) : '';
}

function chip(brand, key, name) {
  return el('span', { class: 'chip', style: `background:${stageColour(brand, key)}` }, name);
}

function distribution(t) {
  const max = Math.max(1, ...Object.values(t.distribution));
  const counts = Object.entries(t.distribution);
  return el(
    'span',
    { class: 'histogram', role: 'img', 'aria-label': counts.map(([k, n]) => `${k}: ${n}`).join(', ') },
    counts.map(([k, n]) =>
      el('span', {
        class: 'bar',
        title: `${k} ${SCALE[k]}: ${n}`,
        style: `height:${Math.round((n / max) * 20) + 1}px`,
      }),
    ),
  );
}
