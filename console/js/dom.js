// A tiny element builder: el('td', { class: 'num' }, '42'). Strings become text nodes (never HTML).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(node, child);
    } else {
      node.append(child instanceof Node ? child : String(child));
    }
  }
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

/** A table from column definitions: [{ head, cell(row), num? }]. */
export function table(caption, columns, rows, rowAttrs = () => ({})) {
  return el(
    'table',
    {},
    caption ? el('caption', { class: 'muted' }, caption) : null,
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map((c) => el('th', { scope: 'col', class: c.num ? 'num' : null }, c.head)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          rowAttrs(row),
          columns.map((c) => el('td', { class: c.num ? 'num' : null }, c.cell(row))),
        ),
      ),
    ),
  );
}

const integer = new Intl.NumberFormat('en-US');
export const fmt = {
  int: (n) => (n === null || n === undefined ? '—' : integer.format(n)),
  pct: (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)} %`),
  num: (n, digits = 2) => (n === null || n === undefined ? '—' : Number(n).toFixed(digits)),
  date: (iso) => (iso ? iso.slice(0, 10) : '—'),
  time: (iso) => (iso ? iso.replace('T', ' ').slice(0, 16) : '—'),
};

/** Download buttons for the CSV form of the analytics answers a view draws: [[name, path, query]]. */
export function csvButtons(ctx, downloads, download) {
  return el(
    'div',
    { class: 'inline csv' },
    el('span', { class: 'muted' }, 'CSV:'),
    downloads.map(([name, path, query]) =>
      el(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': `Download ${name} as CSV`,
          onclick: () => download(path, query, `${name}-${ctx.window.from}-${ctx.window.to}.csv`).catch(ctx.showError),
        },
        `${name}.csv`,
      ),
    ),
  );
}
