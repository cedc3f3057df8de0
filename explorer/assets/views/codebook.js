// /explore/codebook?chart=sunburst|treemap&level=...: the coding scheme
// sized by reference points, beside a table of every code with its
// reference points (参考点) and material sources (材料来源) — the study's
// Tables 1–4 at a glance. A slice or a row lists the code's sentences.

import { PAGE_FIELDS } from '../lib/api.js';
import { h, control, table, LEVELS } from '../lib/ui.js';
import { colourOf, NEUTRAL } from '../lib/palette.js';
import { frame, figure } from '../lib/view.js';

const QUERY = `query Codebook($filter: CorpusFilter) {
  layers: counts(level: LAYER, filter: $filter) { ...row }
  mainCategories: counts(level: MAIN_CATEGORY, filter: $filter) { ...row }
  categories: counts(level: CATEGORY, filter: $filter) { ...row }
  concepts: counts(level: CONCEPT, filter: $filter) { ...row }
}
fragment row on CodeCount {
  code { id number name nameZh level parent { id } path { id } }
  referencePoints
  materialSources
}`;

export const CODE_SENTENCES = `query CodeSentences($ref: String!, $filter: CorpusFilter, $first: Int, $after: String) {
  code(ref: $ref) {
    id name nameZh
    referencePoints(filter: $filter)
    sentences(filter: $filter, first: $first, after: $after) { ${PAGE_FIELDS} }
  }
}`;

// codeSentences opens the panel on a code's sentences under a filter.
export function codeSentences(ctx, id, filter, title) {
  return ctx.openSentences({
    title: title || id,
    query: CODE_SENTENCES,
    variables: { ref: id, filter, first: 50 },
    pick: (d) => d.code && d.code.sentences,
  });
}

const LEVEL_NAME = { LAYER: 'Layer', MAIN_CATEGORY: 'Main category', CATEGORY: 'Category', CONCEPT: 'Concept' };

export default {
  title: 'Codebook',
  async show(el, ctx, stale) {
    const p = ctx.params;
    const kind = p.chart === 'treemap' ? 'treemap' : 'sunburst';
    const level = p.level || 'MAIN_CATEGORY';
    const variables = { filter: ctx.filter };
    const data = await ctx.gql(QUERY, variables);
    if (stale()) return;
    const all = [...data.layers, ...data.mainCategories, ...data.categories, ...data.concepts];
    const byId = new Map(all.map((r) => [r.code.id, { ...r, children: [] }]));
    const roots = [];
    for (const r of all) {
      const n = byId.get(r.code.id);
      const parent = r.code.parent && byId.get(r.code.parent.id);
      (parent ? parent.children : roots).push(n);
    }
    this.byId = byId;
    const node = (n) => {
      const colour = n.code.level === 'LAYER' ? NEUTRAL : colourOf(n.code);
      const out = { id: n.code.id, name: ctx.name(n.code), itemStyle: { color: colour } };
      if (n.children.length) out.children = n.children.map(node);
      else out.value = n.referencePoints;
      return out;
    };
    const tree = roots.map(node);
    const { body, tables } = frame(el, {
      title: 'Codebook',
      subtitle: 'Layers → main categories → categories → concepts, sized by the concepts\' reference points. Click a slice or a row for its sentences.',
      name: 'codebook',
      controls: [
        control('Chart', kind, [['sunburst', 'Sunburst'], ['treemap', 'Treemap']], (v) => ctx.set({ chart: v }, { replace: true })),
        control('Export level', level, LEVELS, (v) => ctx.set({ level: v }, { replace: true })),
      ],
      graphql: { query: QUERY, variables },
      exports: [{ table: 'counts', params: { level }, filter: ctx.exportFilter, title: `Reference points and material sources of every ${LEVEL_NAME[level].toLowerCase()}` }],
    });
    body.classList.add('side-by-side');
    const draw = figure(body, { name: 'codebook-' + kind, height: 620, caption: kind === 'sunburst' ? 'Sunburst' : 'Treemap' });
    const tooltip = {
      formatter: (x) => {
        const n = byId.get(x.data && x.data.id);
        if (!n) return '';
        return `<b>${escape(ctx.name(n.code))}</b><br>${LEVEL_NAME[n.code.level]}<br>参考点 reference points: ${n.referencePoints}<br>材料来源 material sources: ${n.materialSources}`;
      },
    };
    const series = kind === 'sunburst'
      ? {
        type: 'sunburst', data: tree, radius: ['8%', '96%'], sort: undefined,
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
        label: { rotate: 'radial', fontSize: 10, minAngle: 6, overflow: 'truncate', width: 70 },
        levels: [{}, { label: { fontSize: 11 } }, { label: { fontSize: 10 } }, { itemStyle: { opacity: 0.8 }, label: { fontSize: 9 } }, { itemStyle: { opacity: 0.65 }, label: { show: false } }],
      }
      : {
        type: 'treemap', data: tree, leafDepth: 4, roam: false, nodeClick: false, breadcrumb: { show: false },
        width: '100%', height: '100%', top: 0, left: 0,
        upperLabel: { show: true, height: 16, fontSize: 10 },
        label: { fontSize: 9 },
        levels: [
          { itemStyle: { borderColor: '#fff', borderWidth: 3, gapWidth: 3 } },
          { itemStyle: { borderColor: '#fff', borderWidth: 2, gapWidth: 2 } },
          { itemStyle: { borderColor: '#fff', borderWidth: 1, gapWidth: 1 } },
          { itemStyle: { opacity: 0.8 } },
        ],
      };
    draw({ tooltip, series: [series] }, { onClick: (x) => x.data && x.data.id && ctx.select(x.data.id) });
    const rows = [];
    const walk = (n, depth) => { rows.push({ n, depth }); n.children.forEach((c) => walk(c, depth + 1)); };
    roots.forEach((r) => walk(r, 0));
    tables.append(table([
      { label: 'Level', get: (r) => LEVEL_NAME[r.n.code.level] },
      { label: 'No.', get: (r) => r.n.code.number ?? '' },
      {
        label: 'Code', get: (r) => h('span', null, h('i', { class: 'swatch', style: { background: r.n.code.level === 'LAYER' ? NEUTRAL : colourOf(r.n.code) } }), ctx.name(r.n.code)),
        style: (r) => ({ paddingLeft: (0.4 + r.depth * 1.2) + 'em', fontWeight: r.depth < 2 ? '600' : null }),
      },
      { label: '参考点 Reference points', num: true, get: (r) => r.n.referencePoints },
      { label: '材料来源 Material sources', num: true, get: (r) => r.n.materialSources },
    ], rows, { activate: (r) => ctx.select(r.n.code.id), limit: 1000, key: (r) => r.n.code.id }));
    body.append(tables.lastChild);
  },
  select(sel, ctx) {
    const n = this.byId && this.byId.get(sel);
    return codeSentences(ctx, sel, ctx.filter, n ? `${ctx.name(n.code)} — ${n.referencePoints} reference points` : sel);
  },
};

export function escape(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}
