// /explore/similarity?level=LEVEL&near=NAME&at=N&size=N: city × city
// cosine similarity of policy mixes (Query.cityClusters), ordered by
// average-linkage hierarchical clustering with its dendrogram, and a city's
// nearest neighbours. The heatmap shows size cities (100 unless asked)
// next to each other in the clustered order from the at-th
// (similarityWindow): the blocks along the diagonal where the clusters
// are, for any number of cities, with buttons to the blocks before and
// after. A cell lists the two cities' coded sentences and links to their
// comparison.

import { PAGE_FIELDS } from '../lib/api.js';
import { h, control, table, LEVELS } from '../lib/ui.js';
import { SEQUENTIAL } from '../lib/palette.js';
import { frame, figure, short } from '../lib/view.js';
import { escape } from './codebook.js';

const QUERY = `query Similarity($level: Level!, $filter: CorpusFilter, $at: Int!, $size: Int!, $near: String) {
  cityClusters(level: $level, filter: $filter) {
    cities { name nameZh province }
    merges { a b height size }
    order
    similarityWindow(offset: $at, size: $size)
    neighbours(city: $near, first: 10) { b { name nameZh province } cosine }
  }
}`;

const PAIR = `query CityPairSentences($cities: [String!], $first: Int, $after: String) {
  sentences(filter: {cities: $cities, coded: true}, first: $first, after: $after) { ${PAGE_FIELDS} }
}`;

// dendrogram returns polylines [[x, y]...] of the merges, leaves at x =
// their place in the order, y = 0.
function dendrogram(n, merges, order) {
  const x = new Map(order.map((leaf, pos) => [leaf, pos]));
  const y = new Map();
  const lines = [];
  merges.forEach((m, k) => {
    const xa = x.get(m.a);
    const xb = x.get(m.b);
    const ya = y.get(m.a) || 0;
    const yb = y.get(m.b) || 0;
    lines.push({ coords: [[xa, ya], [xa, m.height], [xb, m.height], [xb, yb]] });
    x.set(n + k, (xa + xb) / 2);
    y.set(n + k, m.height);
  });
  return lines;
}

export default {
  title: 'Similarity',
  async show(el, ctx, stale) {
    const p = ctx.params;
    const level = p.level || 'MAIN_CATEGORY';
    const size = Math.min(200, Math.max(2, parseInt(p.size, 10) || 100));
    const at = Math.max(0, parseInt(p.at, 10) || 0);
    // Until a city is chosen, the neighbours are the first city's.
    const variables = { level, filter: ctx.filter, at, size, near: p.near || null };
    const { cityClusters: cl } = await ctx.gql(QUERY, variables);
    if (stale()) return;
    this.cl = cl;
    const n = cl.cities.length;
    const win = cl.order.slice(at, at + size);
    const names = win.map((i) => ctx.name(cl.cities[i]));
    const { body, tables } = frame(el, {
      title: 'Similarity of cities',
      subtitle: 'Cosine similarity of the cities\' reference points per code, ordered by average-linkage clustering. Click a cell for the two cities\' coded sentences.',
      name: 'similarity',
      controls: [control('Level', level, LEVELS, (v) => ctx.set({ level: v, sel: '', at: '' }))],
      graphql: { query: QUERY, variables },
      exports: [{ table: 'similarity', params: { level }, filter: ctx.exportFilter, title: 'City × city cosine similarity' }],
    });
    const tree = figure(body, { name: 'similarity-dendrogram', height: 170, caption: `Dendrogram of the ${n.toLocaleString('en')} cities (height: 1 − average cosine)` });
    tree({
      grid: { left: 150, right: 80, top: 10, bottom: 10 },
      xAxis: { type: 'value', min: -0.5, max: n - 0.5, show: false },
      yAxis: { type: 'value', name: '1 − cos', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 9 } },
      series: [{
        type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, data: dendrogram(n, cl.merges, cl.order), lineStyle: { color: '#333', width: 1 },
        // The cities the heatmap shows, when it does not show them all.
        markArea: win.length < n ? { silent: true, itemStyle: { color: 'rgba(33,145,140,0.15)' }, data: [[{ xAxis: at - 0.5 }, { xAxis: at + win.length - 0.5 }]] } : undefined,
      }],
    });
    if (win.length < n) {
      const go = (to) => ctx.set({ at: String(to) }, { replace: true });
      body.append(h('div', { class: 'controls window' },
        h('button', { type: 'button', class: 'prev', disabled: at === 0, onclick: () => go(Math.max(0, at - size)) }, `◀ ${size} before`),
        h('span', { class: 'label' }, ` cities ${(at + 1).toLocaleString('en')}–${(at + win.length).toLocaleString('en')} of ${n.toLocaleString('en')} in the clustered order `),
        h('button', { type: 'button', class: 'next', disabled: at + size >= n, onclick: () => go(at + size) }, `${size} after ▶`)));
    }
    const data = [];
    for (let y = 0; y < win.length; y++) for (let x = 0; x < win.length; x++) data.push([x, y, cl.similarityWindow[y][x]]);
    const zoom = win.length > 50;
    const heat = figure(body, { name: 'similarity-heatmap', height: zoom ? 720 : Math.max(360, win.length * 20 + 160), caption: 'Heatmap' });
    heat({
      grid: { left: 150, right: 80, top: 10, bottom: zoom ? 130 : 100 },
      tooltip: { formatter: (x) => `${escape(names[x.data[1]])} – ${escape(names[x.data[0]])}<br>cosine ${x.data[2].toFixed(3)}` },
      xAxis: { type: 'category', data: names, axisLabel: { rotate: 60, interval: 0, fontSize: 9, formatter: (s) => short(s, 12) } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { interval: 0, fontSize: 9, formatter: (s) => short(s, 18) } },
      visualMap: { min: 0, max: 1, calculable: true, right: 4, top: 'middle', itemHeight: 160, inRange: { color: SEQUENTIAL } },
      dataZoom: zoom ? [
        { type: 'slider', xAxisIndex: 0, startValue: 0, endValue: 49, bottom: 8, height: 16, filterMode: 'filter' },
        { type: 'slider', yAxisIndex: 0, startValue: 0, endValue: 49, right: 40, width: 14, filterMode: 'filter' },
      ] : [],
      series: [{ type: 'heatmap', data, progressive: 0, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } }],
    }, { onClick: (x) => ctx.select(`${cl.cities[win[x.data[1]]].name}|${cl.cities[win[x.data[0]]].name}`) });
    // Nearest neighbours of the chosen city (near: not the filter bar's
    // city, which names the cities clustered).
    const near = p.near || (cl.cities[0] ? cl.cities[0].name : '');
    const nearCity = cl.cities.find((c) => c.name === near) || { name: near };
    const options = n <= 5000 ? cl.cities.map((c) => [c.name, ctx.name(c)]) : [[near, ctx.name(nearCity)]];
    const pick = control('Nearest neighbours of', near, options, (v) => ctx.set({ near: v }, { replace: true }));
    tables.append(h('div', { class: 'controls' }, pick));
    tables.append(table([
      { label: 'City', get: (x) => ctx.name(x.b) },
      { label: 'Province', get: (x) => x.b.province || '' },
      { label: 'Cosine similarity', num: true, get: (x) => x.cosine },
      { label: 'Compare', get: (x) => h('a', { href: ctx.link('compare', '', { cities: `${near},${x.b.name}`, level }) }, 'side by side') },
    ], cl.neighbours, { activate: (x) => ctx.select(`${near}|${x.b.name}`), caption: 'Nearest neighbours', key: (x) => x.b.name }));
    // The heatmap's numbers: its first 60 columns, and a button for the
    // rest (the CSV and XLSX hold every city).
    const cap = 60;
    const rows = win.map((_, y) => y);
    const box = h('div');
    const drawTable = (k) => box.replaceChildren(table([
      { label: 'City', get: (y) => names[y] },
      ...rows.slice(0, k).map((x) => ({ label: names[x], num: true, get: (y) => cl.similarityWindow[y][x] })),
    ], rows, { caption: win.length < n ? `Cosine similarity (clustered order, cities ${at + 1}–${at + win.length})` : 'Cosine similarity (clustered order)', limit: k }));
    drawTable(cap);
    tables.append(box);
    if (win.length > cap) {
      const more = h('button', { type: 'button', class: 'more' }, `Show all ${win.length} cities (the first ${cap} are shown)`);
      more.addEventListener('click', () => { drawTable(win.length); more.remove(); });
      tables.append(more);
    }
  },
  select(sel, ctx) {
    const [a, b] = sel.split('|');
    const cities = a === b ? [a] : [a, b];
    const find = (x) => (this.cl ? this.cl.cities.find((c) => c.name === x) : null);
    const label = cities.map((c) => ctx.name(find(c) || { name: c })).join(' & ');
    return ctx.openSentences({
      title: label,
      note: h('span', null, `The coded sentences of ${cities.length > 1 ? 'both cities' : 'the city'}: their codes make up the profiles whose cosine the cell shows. `,
        h('a', { href: ctx.link('compare', '', { cities: cities.join(','), level: ctx.params.level || 'MAIN_CATEGORY' }) }, 'Compare them side by side')),
      query: PAIR,
      variables: { cities, first: 50 },
      pick: (d) => d.sentences,
    });
  },
};
