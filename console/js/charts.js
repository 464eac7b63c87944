// Chart.js (loaded as a classic script from the service's install: window.Chart) themed from the CSS variables.
const charts = new Map();

// Mid-tone hues that read on both the light and the dark background; one per stage, in stage order.
const PALETTE = ['#3f7fd9', '#9b59d0', '#e0793a', '#2f9e6e', '#d94f7a', '#1fa3b5', '#b8952a', '#6b7fa8'];
export function stageColour(brand, stageKey) {
  const index = brand.stages.findIndex((s) => s.key === stageKey);
  return index < 0 ? '#888888' : PALETTE[index % PALETTE.length];
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Draws (or redraws) the chart on the canvas with this id. */
export function drawChart(canvasId, config) {
  charts.get(canvasId)?.destroy();
  const canvas = document.getElementById(canvasId);
  Chart.defaults.color = cssVar('--text');
  Chart.defaults.borderColor = cssVar('--line');
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const chart = new Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
  charts.set(canvasId, chart);
  return chart;
}

/** A canvas described for screen readers; the data is also in a table beside it. */
export function chartCanvas(id, label) {
  const canvas = document.createElement('canvas');
  canvas.id = id;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const box = document.createElement('div');
  box.className = 'chart';
  box.append(canvas);
  return box;
}
