// /explore/compare?cities=A,B,C&level=LEVEL: the chosen cities' policy
// mixes side by side (Query.compareCities): 100 % stacked bars of each
// code's share of a city's reference points, a radar of the shares, and
// the codes whose shares differ most. A bar segment lists the sentences of
// that code in that city.

import { h, control, table, fmt, LEVELS } from '../lib/ui.js';
import { colourOf, seriesColour } from '../lib/palette.js';
import { list } from '../lib/state.js';
import { frame, figure, short } from '../lib/view.js';
import { codeSentences, escape } from './codebook.js';

const QUERY = `query Compare($cities: [String!], $level: Level!, $filter: CorpusFilter) {
  compareCities(cities: $cities, level: $level, filter: $filter) {
    cities { name nameZh }
    rows {
      code { id number name nameZh level path { id } }
      cells { referencePoints materialSources share }
    }
    similarity { a { name } b { name } cosine }
  }
}`;

export default {
  title: 'Compare',
  async show(el, ctx, stale) {
    const p = ctx.params;
    const level = p.level || 'MAIN_CATEGORY';
    let cities = list(p.cities);
    if (!cities.length) cities = (await ctx.metaReady).cities.slice(0, 3).map((c) => c.name);
    const variables = { cities, level, filter: ctx.filter };
    const { compareCities: cmp } = await ctx.gql(QUERY, variables);
    if (stale()) return;
    this.cmp = cmp;
    const names = cmp.cities.map((c) => ctx.name(c));
    const input = h('input', { value: cities.join(', '), list: 'compare-cities', size: 40, 'aria-label': 'Cities to compare' });
    const form = h('form', { class: 'control' }, h('label', null, 'Cities ', input),
      h('datalist', { id: 'compare-cities' }, ctx.meta.cities.map((c) => h('option', { value: c.name }, c.nameZh || ''))),
      h('button', { type: 'submit' }, 'Compare'));
    form.addEventListener('submit', (e) => { e.preventDefault(); ctx.set({ cities: list(input.value).join(','), sel: '' }); });
    const { body, tables } = frame(el, {
      title: 'Compare cities',
      subtitle: 'Each code\'s share of a city\'s reference points at the level (ComparisonCell.share). Click a bar segment for its sentences.',
      name: 'compare',
      controls: [form, control('Level', level, LEVELS, (v) => ctx.set({ level: v, sel: '' }))],
      graphql: { query: QUERY, variables },
      exports: [{ table: 'matrix', params: { rows: level, columns: 'CITY', measure: 'SHARE' }, filter: { ...ctx.exportFilter, city: cities.join(',') }, title: 'The shares of every code in these cities (matrix, measure SHARE)' }],
    });
    body.classList.add('two-charts');
    const colour = (code, i) => (level === 'LAYER' ? seriesColour(i) : colourOf(code));
    const bars = figure(body, { name: 'compare-shares', height: Math.max(260, 60 * names.length + 140), caption: '100 % stacked shares' });
    bars({
      tooltip: { formatter: (x) => `<b>${escape(x.seriesName)}</b> in ${escape(x.name)}<br>share ${fmt(x.value, 'SHARE')}<br>reference points ${cmp.rows[x.seriesIndex].cells[x.dataIndex].referencePoints}` },
      legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 10 } },
      grid: { left: 90, right: 16, top: 10, bottom: 60 },
      xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v) => Math.round(v * 100) + ' %' } },
      yAxis: { type: 'category', data: names, inverse: true },
      series: cmp.rows.map((r, i) => ({
        type: 'bar', stack: 'share', name: ctx.name(r.code), barWidth: '60%',
        itemStyle: { color: colour(r.code, i), borderColor: '#fff', borderWidth: 0.5 },
        data: r.cells.map((c) => c.share),
      })),
    }, { onClick: (x) => ctx.select(`${cmp.rows[x.seriesIndex].code.id}|${cmp.cities[x.dataIndex].name}`) });
    const maxShare = Math.max(0.01, ...cmp.rows.flatMap((r) => r.cells.map((c) => c.share)));
    const radar = figure(body, { name: 'compare-radar', height: 420, caption: 'Radar of shares' });
    radar({
      tooltip: {},
      legend: { bottom: 0, data: names },
      radar: { indicator: cmp.rows.map((r) => ({ name: short(ctx.name(r.code), 12), max: maxShare })), radius: '62%', axisName: { fontSize: 10, color: '#333' } },
      series: [{
        type: 'radar',
        data: cmp.cities.map((c, k) => ({ name: names[k], value: cmp.rows.map((r) => r.cells[k].share), lineStyle: { color: seriesColour(k + 4) }, itemStyle: { color: seriesColour(k + 4) }, areaStyle: { opacity: 0.08 } })),
      }],
    });
    // The largest differences: the spread of a code's shares across the cities.
    const diffs = cmp.rows.map((r) => {
      const shares = r.cells.map((c) => c.share);
      return { r, spread: Math.max(...shares) - Math.min(...shares) };
    }).sort((a, b) => b.spread - a.spread);
    tables.append(table([
      { label: 'Code', get: (d) => h('span', null, h('i', { class: 'swatch', style: { background: colourOf(d.r.code) } }), ctx.name(d.r.code)) },
      ...cmp.cities.map((c, k) => ({ label: names[k], num: true, kind: 'SHARE', get: (d) => d.r.cells[k].share })),
      { label: 'Largest difference', num: true, kind: 'SHARE', get: (d) => d.spread },
    ], diffs, { activate: (d) => ctx.select(d.r.code.id), caption: 'Shares, largest differences first' }));
    tables.append(table([
      { label: 'City', get: (s) => ctx.name(s.a) },
      { label: 'City', get: (s) => ctx.name(s.b) },
      { label: 'Cosine similarity', num: true, get: (s) => s.cosine },
    ], cmp.similarity.map((s) => ({ ...s, a: cmp.cities.find((c) => c.name === s.a.name), b: cmp.cities.find((c) => c.name === s.b.name) })), { caption: 'How alike the mixes are' }));
  },
  select(sel, ctx) {
    const [code, city] = sel.split('|');
    const row = this.cmp && this.cmp.rows.find((r) => r.code.id === code);
    const label = row ? ctx.name(row.code) : code;
    const cities = city ? [city] : this.cmp.cities.map((c) => c.name);
    return codeSentences(ctx, code, { ...(ctx.filter || {}), cities }, `${label} in ${city || cities.join(', ')}`);
  },
};
