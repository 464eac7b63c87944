// Funnel (members entering each stage and how many advanced) and retention, rate = (E − N) / S per period.
import { api, downloadCsv } from '../api.js';
import { chartCanvas, drawChart, stageColour } from '../charts.js';
import { csvButtons, el, fmt, table } from '../dom.js';

let period = 'week';

export async function render(section, ctx) {
  const [funnel, retention] = await Promise.all([
    api('/v1/analytics/funnel', { query: ctx.window }),
    api('/v1/analytics/retention', { query: { ...ctx.window, period } }),
  ]);
  ctx.setAsOf(funnel);
  const periodPicker = el(
    'select',
    { id: 'retention-period', onchange: (e) => ((period = e.target.value), void render(section, ctx)) },
    ['week', 'month'].map((p) => el('option', { value: p, selected: p === period }, p)),
  );
  section.replaceChildren(
    el('h2', { id: 'h-funnel' }, 'Funnel and retention'),
    csvButtons(
      ctx,
      [
        ['funnel', '/v1/analytics/funnel', ctx.window],
        ['retention', '/v1/analytics/retention', { ...ctx.window, period }],
      ],
      downloadCsv,
    ),
    el(
      'div',
      { class: 'grid-2' },
      el(
        'div',
        { class: 'panel' },
        el('h3', {}, 'Funnel'),
        chartCanvas('funnel-chart', 'Members who entered each stage in the window, and how many of them advanced'),
        table(
          null,
          [
            { head: 'Stage', cell: (s) => s.name },
            { head: 'Entered', num: true, cell: (s) => fmt.int(s.entered) },
            { head: 'Advanced', num: true, cell: (s) => fmt.int(s.advanced) },
            { head: 'Conversion', num: true, cell: (s) => fmt.pct(s.conversionToNext) },
          ],
          funnel.stages,
        ),
      ),
      el(
        'div',
        { class: 'panel' },
        el('h3', {}, 'Retention'),
        el('div', { class: 'inline' }, el('label', { for: 'retention-period' }, 'Period'), periodPicker),
        chartCanvas(
          'retention-chart',
          'Retention rate per period: (customers at the end − new ones) ÷ customers at the start',
        ),
        table(
          'S customers at the start, E at the end, N new in the period and customers at its end',
          [
            { head: 'Period', cell: (p) => `${fmt.date(p.start)} – ${fmt.date(p.end)}` },
            { head: 'S', num: true, cell: (p) => fmt.int(p.S) },
            { head: 'E', num: true, cell: (p) => fmt.int(p.E) },
            { head: 'N', num: true, cell: (p) => fmt.int(p.N) },
            { head: 'Rate', num: true, cell: (p) => fmt.pct(p.rate) },
          ],
          retention.periods,
        ),
      ),
    ),
  );
  const colours = funnel.stages.map((s) => stageColour(ctx.brand, s.key));
  drawChart('funnel-chart', {
    type: 'bar',
    data: {
      labels: funnel.stages.map((s) => s.name),
      datasets: [
        { label: 'Entered', data: funnel.stages.map((s) => s.entered), backgroundColor: colours },
        {
          label: 'Advanced',
          data: funnel.stages.map((s) => s.advanced),
          backgroundColor: colours.map((c) => `${c}88`),
        },
      ],
    },
    options: { indexAxis: 'y' },
  });
  drawChart('retention-chart', {
    type: 'line',
    data: {
      labels: retention.periods.map((p) => fmt.date(p.start)),
      datasets: [
        {
          label: 'Retention rate',
          data: retention.periods.map((p) => (p.rate === null ? null : p.rate * 100)),
          borderColor: '#3f7fd9',
          backgroundColor: '#3f7fd9',
          spanGaps: true,
        },
      ],
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
  });
}
