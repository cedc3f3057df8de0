// /explore/agreement?a=CODER&b=CODER&level=LEVEL: inter-coder agreement
// (Query.agreement): Cohen's kappa per code as bars, the pooled kappa,
// percent agreement and Holsti, and per code the units the two coders
// disagree on.

import { SENTENCE_FIELDS } from '../lib/api.js';
import { h, control, table, fmt, LEVELS } from '../lib/ui.js';
import { colourOf } from '../lib/palette.js';
import { frame, figure, short } from '../lib/view.js';
import { escape } from './codebook.js';

const QUERY = `query Agreement($a: String!, $b: String!, $level: Level, $filter: CorpusFilter) {
  agreement(coderA: $a, coderB: $b, level: $level, filter: $filter) {
    units percentAgreement kappa holsti codingsA codingsB matched
    documents { id }
    byCode {
      code { id number name nameZh level path { id } }
      kappa percentAgreement both onlyA onlyB neither
    }
  }
}`;

// One code's disagreements (CodeAgreement.disagreements), asked for when
// its bar is clicked.
const DISAGREEMENTS = `query Disagreements($a: String!, $b: String!, $level: Level, $filter: CorpusFilter, $code: ID!) {
  agreement(coderA: $a, coderB: $b, level: $level, filter: $filter) {
    byCode(codes: [$code]) { disagreements { ${SENTENCE_FIELDS} } }
  }
}`;

export default {
  title: 'Agreement',
  async show(el, ctx, stale) {
    const p = ctx.params;
    const a = p.a || 'A';
    const b = p.b || 'B';
    const level = p.level || 'CONCEPT';
    const coderA = h('input', { value: a, size: 8, 'aria-label': 'Coder A' });
    const coderB = h('input', { value: b, size: 8, 'aria-label': 'Coder B' });
    const form = h('form', { class: 'control' }, h('label', null, 'Coder A ', coderA), ' ', h('label', null, 'Coder B ', coderB), ' ', h('button', { type: 'submit' }, 'Compare'));
    form.addEventListener('submit', (e) => { e.preventDefault(); ctx.set({ a: coderA.value.trim(), b: coderB.value.trim(), sel: '' }); });
    const controls = [form, control('Level', level, LEVELS, (v) => ctx.set({ level: v, sel: '' }))];
    const variables = { a, b, level, filter: ctx.filter && { ...ctx.filter, coders: undefined } };
    let ag;
    try {
      ({ agreement: ag } = await ctx.gql(QUERY, variables));
    } catch (e) {
      // Only the user's own input (an unknown coder, the same coder twice)
      // leaves the form up to fix it; a failure of the server is the
      // view's failure.
      const code = e.errors && e.errors[0] && e.errors[0].extensions ? e.errors[0].extensions.code : '';
      if (code !== 'BAD_USER_INPUT') throw e;
      if (stale()) return;
      frame(el, { title: 'Inter-coder agreement', subtitle: 'Choose two coders who coded the same documents.', controls, name: 'agreement', graphql: { query: QUERY, variables } });
      el.append(h('p', { class: 'error' }, e.message));
      return;
    }
    if (stale()) return;
    this.ag = ag;
    const rows = [...ag.byCode].sort((x, y) => x.kappa - y.kappa || x.code.id.localeCompare(y.code.id));
    const { body, tables } = frame(el, {
      title: 'Inter-coder agreement',
      subtitle: `${a} and ${b} over ${ag.units} units in ${ag.documents.length} documents: kappa ${ag.kappa.toFixed(3)}, percent agreement ${fmt(ag.percentAgreement, 'percent')}, Holsti ${ag.holsti.toFixed(3)} (N1 ${ag.codingsA}, N2 ${ag.codingsB}, M ${ag.matched}). Click a bar for the disagreements.`,
      name: 'agreement',
      controls,
      graphql: { query: QUERY, variables },
      exports: [{ table: 'agreement', params: { a, b, level }, filter: { ...ctx.exportFilter, coder: '' }, title: 'Agreement per code' }],
    });
    const draw = figure(body, { name: `agreement-${a}-${b}-${level}`.toLowerCase(), height: Math.max(260, rows.length * 18 + 80), caption: 'Cohen\'s kappa per code (worst first)' });
    draw({
      tooltip: { formatter: (x) => { const r = rows[x.dataIndex]; return `<b>${escape(ctx.name(r.code))}</b><br>kappa ${r.kappa.toFixed(3)}<br>both ${r.both} · only ${escape(a)} ${r.onlyA} · only ${escape(b)} ${r.onlyB}`; } },
      grid: { left: 200, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value', min: Math.min(0, ...rows.map((r) => r.kappa)), max: 1 },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => ctx.name(r.code)), axisLabel: { interval: 0, fontSize: 10, formatter: (s) => short(s, 30) } },
      series: [{ type: 'bar', data: rows.map((r) => ({ value: r.kappa, itemStyle: { color: colourOf(r.code) } })), label: { show: true, position: 'right', fontSize: 9, formatter: (x) => x.value.toFixed(2) } }],
    }, { onClick: (x) => ctx.select(rows[x.dataIndex].code.id) });
    tables.append(table([
      { label: 'Code', get: (r) => ctx.name(r.code) },
      { label: 'Both', num: true, get: (r) => r.both },
      { label: `Only ${a}`, num: true, get: (r) => r.onlyA },
      { label: `Only ${b}`, num: true, get: (r) => r.onlyB },
      { label: 'Neither', num: true, get: (r) => r.neither },
      { label: 'Percent agreement', num: true, kind: 'percent', get: (r) => r.percentAgreement },
      { label: 'Kappa', num: true, get: (r) => r.kappa },
      { label: 'Disagreements', num: true, get: (r) => r.onlyA + r.onlyB },
    ], rows, { activate: (r) => ctx.select(r.code.id), key: (r) => r.code.id }));
  },
  select(sel, ctx) {
    const r = this.ag && this.ag.byCode.find((x) => x.code.id === sel);
    if (!r) return null;
    return ctx.openSentences({
      title: `${ctx.name(r.code)}: the disagreements`,
      note: 'Units one coder coded at the code (or below it) and the other did not (CodeAgreement.disagreements).',
      query: DISAGREEMENTS,
      variables: { a: ctx.params.a || 'A', b: ctx.params.b || 'B', level: ctx.params.level || 'CONCEPT', filter: ctx.filter && { ...ctx.filter, coders: undefined }, code: sel },
      pick: (d) => {
        const list = d.agreement.byCode.length ? d.agreement.byCode[0].disagreements : [];
        return { totalCount: list.length, pageInfo: { hasNextPage: false }, edges: list.map((node) => ({ node })) };
      },
    });
  },
};
