// /explore/cooccurrence?level=LEVEL&scope=SENTENCE|DOCUMENT&min=N&chart=network|matrix:
// code co-occurrence (Query.cooccurrence, ATLAS.ti's co-occurrence table)
// as a network (node size: reference points, edge width: count, edge
// colour: c-coefficient; a threshold slider on the count) or a matrix. An
// edge lists the pair's evidence; a node its code's sentences.

import { SENTENCE_FIELDS } from '../lib/api.js';
import { h, control, table, LEVELS } from '../lib/ui.js';
import { colourOf, ramp, SEQUENTIAL } from '../lib/palette.js';
import { frame, figure, short } from '../lib/view.js';
import { codeSentences, escape } from './codebook.js';

const QUERY = `query Cooccurrence($level: Level!, $scope: Scope, $min: Int, $filter: CorpusFilter) {
  counts(level: $level, filter: $filter) {
    code { id number name nameZh level path { id } }
    referencePoints
  }
  cooccurrence(level: $level, scope: $scope, minCount: $min, filter: $filter) {
    a { id } b { id } count countA countB cCoefficient
  }
}`;

const PAIR = `query PairEvidence($level: Level!, $scope: Scope, $filter: CorpusFilter, $codes: [ID!], $first: Int) {
  cooccurrence(level: $level, scope: $scope, filter: $filter, codes: $codes) {
    count
    evidence(first: $first) { ${SENTENCE_FIELDS} }
  }
}`;

export default {
  title: 'Co-occurrence',
  async show(el, ctx, stale) {
    const p = ctx.params;
    const level = p.level || 'CATEGORY';
    const scope = p.scope || 'SENTENCE';
    const min = Math.max(1, parseInt(p.min || '1', 10) || 1);
    const kind = p.chart === 'matrix' ? 'matrix' : 'network';
    const variables = { level, scope, min, filter: ctx.filter };
    const data = await ctx.gql(QUERY, variables);
    if (stale()) return;
    this.args = { level, scope };
    const codes = data.counts;
    const byId = new Map(codes.map((c) => [c.code.id, c]));
    this.byId = byId;
    const pairs = data.cooccurrence;
    const maxCount = Math.max(1, ...pairs.map((x) => x.count));
    const slider = h('input', { type: 'range', min: 1, max: Math.max(min, maxCount, 2), value: min, 'aria-label': 'Minimum count' });
    const shown = h('output', null, String(min));
    slider.addEventListener('input', () => { shown.textContent = slider.value; });
    slider.addEventListener('change', () => ctx.set({ min: slider.value === '1' ? '' : slider.value, sel: '' }, { replace: true }));
    const { body, tables } = frame(el, {
      title: 'Code co-occurrence',
      subtitle: `Pairs of ${LEVELS.find((l) => l[0] === level)[1].toLowerCase()} codes on one ${scope === 'SENTENCE' ? 'sentence' : 'document'}, at least ${min} time${min > 1 ? 's' : ''}: ${pairs.length} pairs. Click an edge or cell for the evidence, a node for the code's sentences.`,
      name: 'cooccurrence',
      controls: [
        control('Level', level, LEVELS, (v) => ctx.set({ level: v, min: '', sel: '' })),
        control('Scope', scope, [['SENTENCE', 'Sentence'], ['DOCUMENT', 'Document']], (v) => ctx.set({ scope: v, min: '', sel: '' })),
        control('Chart', kind, [['network', 'Network'], ['matrix', 'Matrix']], (v) => ctx.set({ chart: v }, { replace: true })),
        h('label', { class: 'control' }, 'Minimum count ', slider, ' ', shown),
      ],
      graphql: { query: QUERY, variables },
      exports: [{ table: 'cooccurrence', params: { level, scope, min }, filter: ctx.exportFilter, title: 'Every pair with its counts and c-coefficient' }],
    });
    const used = new Set(pairs.flatMap((x) => [x.a.id, x.b.id]));
    const nodes = codes.filter((c) => used.has(c.code.id));
    const maxRef = Math.max(1, ...nodes.map((c) => c.referencePoints));
    const draw = figure(body, { name: `cooccurrence-${level}-${scope}-${kind}`.toLowerCase(), height: 640, caption: kind === 'network' ? 'Network (edge width: count; edge colour: c-coefficient, viridis from 0 dark to 1 light)' : 'Matrix (count)' });
    const click = (x) => {
      if (x.dataType === 'edge' || (x.seriesType === 'heatmap')) {
        const pr = x.dataType === 'edge' ? x.data.pair : x.data.pair;
        if (pr) ctx.select(`${pr.a.id}|${pr.b.id}`);
      } else if (x.dataType === 'node') ctx.select(x.data.id);
    };
    if (kind === 'network') {
      draw({
        tooltip: {
          formatter: (x) => (x.dataType === 'edge'
            ? `${escape(ctx.name(byId.get(x.data.pair.a.id).code))} – ${escape(ctx.name(byId.get(x.data.pair.b.id).code))}<br>count ${x.data.pair.count}<br>c-coefficient ${x.data.pair.cCoefficient.toFixed(3)}`
            : `${escape(x.name)}<br>reference points ${x.data.refs}`),
        },
        series: [{
          type: 'graph', layout: 'circular', circular: { rotateLabel: true }, roam: true,
          label: { show: true, position: 'right', fontSize: 10, formatter: (x) => short(x.name, 16) },
          data: nodes.map((c) => ({ id: c.code.id, name: ctx.name(c.code), refs: c.referencePoints, symbolSize: 6 + 24 * Math.sqrt(c.referencePoints / maxRef), itemStyle: { color: colourOf(c.code) } })),
          links: pairs.map((x) => ({ source: x.a.id, target: x.b.id, pair: x, lineStyle: { width: 0.5 + 7 * x.count / maxCount, color: ramp(x.cCoefficient), opacity: 0.85, curveness: 0.2 } })),
          emphasis: { focus: 'adjacency', lineStyle: { width: 8 } },
        }],
      }, { onClick: click });
    } else {
      const idx = new Map(nodes.map((c, i) => [c.code.id, i]));
      const cells = [];
      for (const x of pairs) {
        const i = idx.get(x.a.id);
        const j = idx.get(x.b.id);
        cells.push({ value: [i, j, x.count], pair: x }, { value: [j, i, x.count], pair: x });
      }
      const labels = nodes.map((c) => ctx.name(c.code));
      draw({
        grid: { left: 170, right: 80, top: 10, bottom: 150 },
        tooltip: { formatter: (x) => `${escape(labels[x.value[1]])} – ${escape(labels[x.value[0]])}<br>count ${x.value[2]}<br>c-coefficient ${x.data.pair.cCoefficient.toFixed(3)}` },
        xAxis: { type: 'category', data: labels, axisLabel: { rotate: 60, interval: 0, fontSize: 9, formatter: (s) => short(s, 16) } },
        yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { interval: 0, fontSize: 9, formatter: (s) => short(s, 22) } },
        visualMap: { min: 0, max: maxCount, calculable: true, right: 4, top: 'middle', inRange: { color: SEQUENTIAL } },
        series: [{ type: 'heatmap', data: cells, progressive: 0 }],
      }, { onClick: click });
    }
    tables.append(table([
      { label: 'Code', get: (x) => ctx.name(byId.get(x.a.id).code) },
      { label: 'Code', get: (x) => ctx.name(byId.get(x.b.id).code) },
      { label: 'Count (n12)', num: true, get: (x) => x.count },
      { label: 'n1', num: true, get: (x) => x.countA },
      { label: 'n2', num: true, get: (x) => x.countB },
      { label: 'c-coefficient', num: true, get: (x) => x.cCoefficient },
    ], pairs, { activate: (x) => ctx.select(`${x.a.id}|${x.b.id}`) }));
  },
  select(sel, ctx) {
    const [a, b] = sel.split('|');
    const name = (id) => (this.byId && this.byId.get(id) ? ctx.name(this.byId.get(id).code) : id);
    if (b === undefined) return codeSentences(ctx, a, ctx.filter, name(a));
    return ctx.openSentences({
      title: `${name(a)} & ${name(b)}`,
      note: this.args.scope === 'SENTENCE' ? 'Sentences coded at both codes (CodePair.evidence, at most 100).' : 'Sentences coded at either code in the documents holding both (CodePair.evidence, at most 100).',
      query: PAIR,
      variables: { ...this.args, filter: ctx.filter, codes: [a, b], first: 100 },
      pick: (d) => {
        const pr = d.cooccurrence[0];
        if (!pr) return null;
        return { totalCount: this.args.scope === 'SENTENCE' ? pr.count : pr.evidence.length, pageInfo: { hasNextPage: false }, edges: pr.evidence.map((node) => ({ node })) };
      },
    });
  },
};
