// Pretty-prints JSON while noting where each JSON path's value sits, so a server error at
// `conditions.all[0].op` can be shown on the line that holds it.

/** { text, spans: Map<path, { line }> } with paths written as the server writes them: a.b[0].c */
export function formatWithPaths(value) {
  const spans = new Map();
  let text = '';
  let line = 1;
  const write = (s) => {
    text += s;
    line += s.split('\n').length - 1;
  };
  const walk = (v, path, indent) => {
    spans.set(path, { line });
    const pad = '  '.repeat(indent + 1);
    if (Array.isArray(v) && v.length > 0) {
      write('[\n');
      v.forEach((item, i) => {
        write(pad);
        walk(item, `${path}[${i}]`, indent + 1);
        write(i < v.length - 1 ? ',\n' : '\n');
      });
      write(`${'  '.repeat(indent)}]`);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      write('{\n');
      const keys = Object.keys(v);
      keys.forEach((key, i) => {
        write(`${pad}${JSON.stringify(key)}: `);
        walk(v[key], path ? `${path}.${key}` : key, indent + 1);
        write(i < keys.length - 1 ? ',\n' : '\n');
      });
      write(`${'  '.repeat(indent)}}`);
    } else {
      write(JSON.stringify(v));
    }
  };
  walk(value, '', 0);
  return { text, spans };
}

/** The line of a path, or of its nearest ancestor when the path names a missing field. */
export function lineOf(spans, path) {
  let p = path;
  while (p) {
    const span = spans.get(p);
    if (span) {
      return span.line;
    }
    p = p.replace(/(\[\d+\]|\.[^.[\]]+|^[^.[\]]+)$/, '');
  }
  return 1;
}
