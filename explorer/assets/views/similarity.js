// /explore/similarity?level=LEVEL&city=NAME: city × city cosine similarity
// of policy mixes (Query.cityClusters), ordered by average-linkage
// hierarchical clustering with its dendrogram, and a city's nearest
// neighbours. A cell lists the two cities' coded sentences and links to
// their comparison.

import { PAGE_FIELDS } from '../lib/api.js';
import { h, control, table, LEVELS } from '../lib/ui.js';
import { SEQUENTIAL } from '../lib/palette.js';
import { frame, figure, short } from '../lib/view.js';
import { escape } from './codebook.js';

const QUERY = `query Similarity($level: Level!, $filter: CorpusFilter) {
  cityClusters(level: $level, filter: $filter) {
    cities { name nameZh province }
    similarity
    merges { a b height size }
    order
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
    const variables = { level, filter: ctx.filter };
    const { cityClusters: cl } = await ctx.gql(QUERY, variables);
    if (stale()) return;
    this.cl = cl;
    const n = cl.cities.length;
    const names = cl.order.map((i) => ctx.name(cl.cities[i]));
    const { body, tables } = frame(el, {
      title: 'Similarity of cities',
      subtitle: 'Cosine similarity of the cities\' reference points per code, ordered by average-linkage clustering. Click a cell for the two cities\' coded sentences.',
      name: 'similarity',
      controls: [control('Level', level, LEVELS, (v) => ctx.set({ level: v, sel: '' }))],
      graphql: { query: QUERY, variables },
      exports: [{ table: 'similarity', params: { level }, filter: ctx.exportFilter, title: 'City × city cosine similarity' }],
    });
    const tree = figure(body, { name: 'similarity-dendrogram', height: 170, caption: 'Dendrogram (height: 1 − average cosine)' });
    tree({
      grid: { left: 150, right: 80, top: 10, bottom: 10 },
      xAxis: { type: 'value', min: -0.5, max: n - 0.5, show: false },
      yAxis: { type: 'value', name: '1 − cos', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 9 } },
      series: [{ type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, data: dendrogram(n, cl.merges, cl.order), lineStyle: { color: '#333', width: 1 } }],
    });
    const data = [];
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) data.push([x, y, cl.similarity[cl.order[y]][cl.order[x]]]);
    const zoom = n > 50;
    const heat = figure(body, { name: 'similarity-heatmap', height: zoom ? 720 : Math.max(360, n * 20 + 160), caption: 'Heatmap' });
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
    }, { onClick: (x) => ctx.select(`${cl.cities[cl.order[x.data[1]]].name}|${cl.cities[cl.order[x.data[0]]].name}`) });
    // Nearest neighbours of the chosen city.
    const chosen = Math.max(0, cl.cities.findIndex((c) => c.name === p.city));
    const pick = control('Nearest neighbours of', cl.cities[chosen] ? cl.cities[chosen].name : '', cl.cities.map((c) => [c.name, ctx.name(c)]), (v) => ctx.set({ city: v }, { replace: true }));
    const neighbours = cl.cities.map((c, i) => ({ c, i, s: cl.similarity[chosen][i] })).filter((x) => x.i !== chosen).sort((a, b) => b.s - a.s).slice(0, 10);
    tables.append(h('div', { class: 'controls' }, pick));
    tables.append(table([
      { label: 'City', get: (x) => ctx.name(x.c) },
      { label: 'Province', get: (x) => x.c.province || '' },
      { label: 'Cosine similarity', num: true, get: (x) => x.s },
      { label: 'Compare', get: (x) => h('a', { href: ctx.link('compare', '', { cities: `${cl.cities[chosen].name},${x.c.name}`, level }) }, 'side by side') },
    ], neighbours, { activate: (x) => ctx.select(`${cl.cities[chosen].name}|${x.c.name}`), caption: 'Nearest neighbours' }));
    // The matrix's numbers, in the clustered order: past 60 cities the
    // first 60 rows and columns, and a button for the rest (the CSV and
    // XLSX hold them all).
    const cap = 60;
    const box = h('div');
    const drawTable = (k) => box.replaceChildren(table([
      { label: 'City', get: (i) => ctx.name(cl.cities[i]) },
      ...cl.order.slice(0, k).map((j) => ({ label: ctx.name(cl.cities[j]), num: true, get: (i) => cl.similarity[i][j] })),
    ], cl.order, { caption: 'Cosine similarity (clustered order)', limit: k }));
    drawTable(cap);
    tables.append(box);
    if (n > cap) {
      const more = h('button', { type: 'button', class: 'more' }, `Show all ${n} cities (the first ${cap} are shown)`);
      more.addEventListener('click', () => { drawTable(n); more.remove(); });
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
