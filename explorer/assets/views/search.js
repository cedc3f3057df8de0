// /explore/search?q=TEXT: full-text search (Query.search) with the hits
// highlighted, grouped by city, and a bar of hits per city among the
// results shown. A bar lists the city's hits.

import { PAGE_FIELDS } from '../lib/api.js';
import { h, table } from '../lib/ui.js';
import { seriesColour } from '../lib/palette.js';
import { frame, figure } from '../lib/view.js';
import { sentenceItem } from '../lib/panel.js';

const QUERY = `query Search($text: String!, $filter: CorpusFilter, $first: Int, $after: String) {
  search(text: $text, filter: $filter, first: $first, after: $after) { ${PAGE_FIELDS} }
}`;

// terms are the search's terms: "quoted phrases" and words.
export function terms(q) {
  const out = [];
  q.replace(/"([^"]+)"|(\S+)/g, (_, phrase, word) => { out.push(phrase || word); return ''; });
  return out;
}

export default {
  title: 'Search',
  async show(el, ctx, stale) {
    const q = (ctx.params.q || '').trim();
    const box = h('input', { type: 'search', value: q, size: 40, 'aria-label': 'Search text', placeholder: '产教融合, "fund support"…' });
    const form = h('form', { class: 'control' }, box, ' ', h('button', { type: 'submit' }, 'Search'));
    form.addEventListener('submit', (e) => { e.preventDefault(); ctx.set({ q: box.value.trim(), sel: '' }); });
    if (!q) {
      frame(el, { title: 'Search', subtitle: 'Full-text search over every sentence (Chinese by pairs of characters, English by words).', controls: [form], name: 'search' });
      return;
    }
    const variables = { text: q, filter: ctx.filter, first: 100 };
    const { search } = await ctx.gql(QUERY, variables);
    if (stale()) return;
    const hits = search.edges.map((e) => e.node);
    const byCity = new Map();
    for (const s of hits) {
      const k = s.document.city.name;
      if (!byCity.has(k)) byCity.set(k, { city: s.document.city, hits: [] });
      byCity.get(k).hits.push(s);
    }
    const groups = [...byCity.values()].sort((a, b) => b.hits.length - a.hits.length || a.city.name.localeCompare(b.city.name));
    this.q = q;
    this.groups = groups;
    const { body, tables } = frame(el, {
      title: 'Search',
      subtitle: `${search.totalCount.toLocaleString('en')} sentences match “${q}”; the best ${hits.length} are shown, grouped by city. Click a bar for all of a city's matches.`,
      controls: [form],
      name: 'search',
      graphql: { query: QUERY, variables },
    });
    if (groups.length) {
      const draw = figure(body, { name: 'search-cities', height: Math.max(200, Math.min(groups.length, 30) * 20 + 60), caption: `Matches per city among the ${hits.length} shown` });
      draw({
        tooltip: {},
        grid: { left: 110, right: 30, top: 10, bottom: 24 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: groups.slice(0, 30).map((g) => ctx.name(g.city)) },
        series: [{ type: 'bar', data: groups.slice(0, 30).map((g) => g.hits.length), itemStyle: { color: seriesColour(4) } }],
      }, { onClick: (x) => ctx.select(groups[x.dataIndex].city.name) });
    }
    tables.append(table([
      { label: 'City', get: (g) => ctx.name(g.city) },
      { label: 'Matches shown', num: true, get: (g) => g.hits.length },
    ], groups, { activate: (g) => ctx.select(g.city.name) }));
    const ts = terms(q);
    for (const g of groups) {
      tables.append(h('section', { class: 'hits' }, h('h2', null, `${ctx.name(g.city)} (${g.hits.length})`),
        h('ol', { class: 'sentences' }, g.hits.map((s) => sentenceItem(s, ctx, { terms: ts })))));
    }
  },
  select(sel, ctx) {
    const q = this.q || ctx.params.q;
    return ctx.openSentences({
      title: `“${q}” in ${sel}`,
      query: QUERY,
      variables: { text: q, filter: { ...(ctx.filter || {}), cities: [sel] }, first: 50 },
      terms: terms(q),
      pick: (d) => d.search,
    });
  },
};
