// /explore/saturation?level=LEVEL: the saturation curve
// (Query.saturationCurve): documents taken in issue-date order, the codes
// each brings first, and the number of distinct codes so far. It asks for
// the steps that bring a code and the last (newOnly), which draw the whole
// curve whatever the number of documents. A point lists the sentences of
// that document coded at the codes it brings.

import { PAGE_FIELDS } from '../lib/api.js';
import { h, control, table, LEVELS } from '../lib/ui.js';
import { CATEGORICAL } from '../lib/palette.js';
import { frame, figure } from '../lib/view.js';
import { escape } from './codebook.js';

const QUERY = `query SaturationCurve($level: Level, $filter: CorpusFilter) {
  saturationCurve(level: $level, filter: $filter, newOnly: true) {
    position
    document { id title issuedOn city { name nameZh } }
    newCodes { id name nameZh level path { id } }
    codesSoFar
  }
}`;

export default {
  title: 'Saturation',
  async show(el, ctx, stale) {
    const level = ctx.params.level || 'CATEGORY';
    const variables = { level, filter: ctx.filter };
    const { saturationCurve: steps } = await ctx.gql(QUERY, variables);
    if (stale()) return;
    this.steps = steps;
    const last = steps.length ? steps[steps.length - 1] : null;
    const documents = last ? last.position : 0;
    const total = last ? last.codesSoFar : 0;
    const lastNew = steps.filter((s) => s.newCodes.length).map((s) => s.position).pop() || 0;
    const { body, tables } = frame(el, {
      title: 'Saturation',
      subtitle: `${documents.toLocaleString('en')} documents in issue-date order; ${total} codes in all, the last new one in document ${lastNew.toLocaleString('en')}${documents ? ` of ${documents.toLocaleString('en')}` : ''}. Click a point for the sentences that brought its new codes.`,
      name: 'saturation',
      controls: [control('Level', level, LEVELS, (v) => ctx.set({ level: v, sel: '' }))],
      graphql: { query: QUERY, variables },
      exports: [{ table: 'saturation', params: { level }, filter: ctx.exportFilter, title: 'The curve: one row per document' }],
    });
    const draw = figure(body, { name: 'saturation-' + level.toLowerCase(), height: 440, caption: 'New codes per document and distinct codes so far' });
    // The curve holds from one step to the next: a step line through the
    // documents that bring codes, from (0, 0) to the last document.
    const tip = (s) => `#${s.position.toLocaleString('en')} ${escape(s.document.title)}<br>${escape(ctx.name(s.document.city))} · ${s.document.issuedOn || 'undated'}<br>new codes ${s.newCodes.length} · so far ${s.codesSoFar}`;
    draw({
      tooltip: { trigger: 'item', formatter: (x) => (x.data && x.data.step ? tip(x.data.step) : '') },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 36, bottom: 60 },
      xAxis: { type: 'value', name: 'documents added', nameLocation: 'middle', nameGap: 30, min: 0, max: Math.max(1, documents), minInterval: 1 },
      yAxis: [{ type: 'value', name: 'codes so far', minInterval: 1 }, { type: 'value', name: 'new codes', minInterval: 1, splitLine: { show: false } }],
      series: [
        { type: 'bar', name: 'new codes', yAxisIndex: 1, barMaxWidth: 8, barMinWidth: 2, data: steps.filter((s) => s.newCodes.length).map((s) => ({ value: [s.position, s.newCodes.length], step: s })), itemStyle: { color: CATEGORICAL[0] } },
        { type: 'line', name: 'codes so far', step: 'end', symbolSize: 6, data: [{ value: [0, 0] }, ...steps.map((s) => ({ value: [s.position, s.codesSoFar], step: s }))], itemStyle: { color: CATEGORICAL[4] } },
      ],
    }, { onClick: (x) => { if (x.data && x.data.step) ctx.select(x.data.step.document.id); } });
    tables.append(table([
      { label: '#', num: true, get: (s) => s.position },
      { label: 'Issued', get: (s) => s.document.issuedOn || '' },
      { label: 'City', get: (s) => ctx.name(s.document.city) },
      { label: 'Document', get: (s) => h('a', { href: ctx.link('document', s.document.id) }, s.document.title) },
      { label: 'New codes', get: (s) => s.newCodes.map((c) => ctx.name(c)).join('; ') },
      { label: 'Codes so far', num: true, get: (s) => s.codesSoFar },
    ], steps, { activate: (s) => ctx.select(s.document.id), caption: 'The documents that bring a code first, and the last document' }));
  },
  select(sel, ctx) {
    const step = this.steps && this.steps.find((s) => s.document.id === sel);
    if (!step) return null;
    const codes = step.newCodes;
    const title = `${step.document.title}: ${codes.length} new code${codes.length === 1 ? '' : 's'}`;
    if (!codes.length) {
      return ctx.openSentences({ title, note: 'This document brings no new code.', query: 'query NoNewCodes { __typename }', variables: {}, pick: () => ({ totalCount: 0, pageInfo: { hasNextPage: false }, edges: [] }) });
    }
    const parts = codes.map((c, i) => `  c${i}: code(ref: "${c.id}") { sentences(filter: $filter, first: 100) { ${PAGE_FIELDS} } }`).join('\n');
    const query = `query NewCodeSentences($filter: CorpusFilter) {\n${parts}\n}`;
    const filter = { ...(ctx.filter || {}), documents: [sel] };
    return ctx.openSentences({
      title,
      note: codes.map((c) => ctx.name(c)).join('; '),
      query,
      variables: { filter },
      pick: (d) => {
        const seen = new Map();
        for (const k of Object.keys(d)) for (const e of d[k].sentences.edges) seen.set(e.node.id, e);
        const edges = [...seen.values()].sort((a, b) => a.node.index - b.node.index);
        return { totalCount: edges.length, pageInfo: { hasNextPage: false }, edges };
      },
    });
  },
};
