// DOM helpers shared by the views: elements, number formats, the table
// under every chart, and the toolbar of downloads and links.

import { graphiqlHref, exportHref } from './api.js';

// h builds an element: attributes (on* become listeners, style objects
// are assigned) and children (strings become text, null is skipped).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// fmt writes a number for a table or a label: whole numbers as they are,
// shares as percentages, other fractions with three decimals.
export function fmt(v, kind) {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  if (kind === 'SHARE' || kind === 'percent') return (v * 100).toFixed(1) + ' %';
  if (Number.isInteger(v)) return v.toLocaleString('en');
  return v.toFixed(3);
}

// table is the table under a chart: columns [{label, get(row), num, title}],
// one row per item. A row is focusable; Enter or a click runs
// activate(row) (which lists its sentences); key(row) names it in its
// data-key attribute. Past limit rows, a button
// shows the rest.
export function table(columns, rows, { activate, limit = 500, caption, rowTitle, key } = {}) {
  const thead = h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.num ? 'num' : null, scope: 'col', title: c.title }, c.label))));
  const tbody = h('tbody');
  const add = (from, to) => {
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const row = rows[i];
      const tr = h('tr', activate ? { tabindex: '0', title: rowTitle || 'Enter: list the sentences', 'data-key': key ? key(row) : null } : null,
        columns.map((c) => {
          const v = c.get(row);
          return h('td', { class: c.num ? 'num' : c.cls, style: c.style ? c.style(row) : null }, v instanceof Node ? v : (c.num ? fmt(v, c.kind) : v));
        }));
      if (activate) {
        tr.addEventListener('click', () => activate(row));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); activate(row); } });
      }
      frag.append(tr);
    }
    tbody.append(frag);
  };
  add(0, Math.min(rows.length, limit));
  const wrap = h('div', { class: 'table-wrap' }, h('table', { class: 'data' }, caption ? h('caption', null, caption) : null, thead, tbody));
  if (rows.length > limit) {
    const more = h('button', { type: 'button', class: 'more' }, `Show all ${rows.length.toLocaleString('en')} rows`);
    more.addEventListener('click', () => { add(limit, rows.length); more.remove(); });
    wrap.append(more);
  }
  return wrap;
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// svgOf is the figure of an ECharts chart (SVG renderer) as SVG text.
export function svgOf(chart) {
  return chart.renderToSVGString();
}

export function downloadSVG(chart, name) {
  save(new Blob([svgOf(chart)], { type: 'image/svg+xml' }), name + '.svg');
}

// downloadPNG draws the SVG figure at twice its size on a canvas.
export function downloadPNG(chart, name) {
  const svg = svgOf(chart);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const img = new Image();
  img.onload = () => {
    const w = chart.getWidth();
    const hgt = chart.getHeight();
    const canvas = h('canvas', { width: w * 2, height: hgt * 2 });
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    canvas.toBlob((b) => save(b, name + '@2x.png'), 'image/png');
  };
  img.src = url;
}

// toolbar is the row above a chart: figure downloads (SVG, PNG at 2×),
// the data through /export/ (CSV, XLSX), and "Open in GraphiQL".
export function toolbar({ chart, name, exports, graphql, extra }) {
  const bar = h('div', { class: 'toolbar' });
  if (extra) bar.append(...[].concat(extra));
  bar.append(h('span', { class: 'spacer' }));
  if (chart) {
    bar.append(
      h('button', { type: 'button', class: 'dl-svg', onclick: () => downloadSVG(chart(), name) }, 'SVG'),
      h('button', { type: 'button', class: 'dl-png', onclick: () => downloadPNG(chart(), name) }, 'PNG 2×'),
    );
  }
  for (const x of exports || []) {
    for (const format of ['csv', 'xlsx']) {
      bar.append(h('a', { class: 'button dl-' + format, href: exportHref(x.table, format, x.params, x.filter), download: '', title: x.title || 'The table through /export/' }, format.toUpperCase()));
    }
  }
  if (graphql) bar.append(h('a', { class: 'button graphiql', href: graphiqlHref(graphql.query, graphql.variables), title: 'This view\'s query in GraphiQL' }, 'Open in GraphiQL'));
  return bar;
}

// control is a labelled <select> of a view's parameter.
export function control(label, value, options, onchange) {
  const sel = h('select', { 'aria-label': label }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  sel.addEventListener('change', () => onchange(sel.value));
  return h('label', { class: 'control' }, label + ' ', sel);
}

export const LEVELS = [['LAYER', 'Layer'], ['MAIN_CATEGORY', 'Main category'], ['CATEGORY', 'Category'], ['CONCEPT', 'Concept']];
