// The frame every view draws in: a title, the view's controls, its charts
// (each with SVG and PNG downloads), the data row (CSV and XLSX through
// /export/, "Open in GraphiQL"), and the table of the chart's numbers.

import { h, toolbar } from './ui.js';
import { chart as draw } from './chart.js';

// frame clears el and lays out a view; it returns the boxes to fill.
export function frame(el, { title, subtitle, controls, graphql, exports, name }) {
  const data = toolbar({ name, exports, graphql, extra: h('span', { class: 'label' }, 'Data') });
  const body = h('div', { class: 'view-body' });
  const tables = h('div', { class: 'tables' });
  el.replaceChildren(...[
    h('div', { class: 'view-head' }, h('h1', null, title), subtitle ? h('p', { class: 'subtitle' }, subtitle) : null),
    controls && controls.length ? h('div', { class: 'controls' }, controls) : null,
    body, data, tables].filter(Boolean));
  return { body, tables, data };
}

// figure adds a chart box to a container: height in pixels, a caption,
// the downloads bar; it returns draw(option, {onClick}) → chart.
export function figure(container, { name, height = 480, caption, cls }) {
  const el = h('div', { class: 'chart', style: { height: height + 'px' }, role: 'img', 'aria-label': caption || name });
  let c = null;
  const bar = toolbar({ name, chart: () => c, extra: caption ? h('span', { class: 'label' }, caption) : null });
  container.append(h('figure', { class: 'figure ' + (cls || '') }, bar, el));
  return (option, opts) => {
    c = draw(el, option, opts);
    performance.mark('policykb:chart:' + name);
    return c;
  };
}

// axisName shortens a long label for an axis.
export function short(s, n = 18) {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
