// /explore/pmc?model=default&doc=d03,d05&sel=d03|X7:4: Query.pmc, the PMC
// index (Ruiz Estrada's Policy Modeling Consistency index) of the
// documents the filter admits: their ranking by PMC (bars coloured by
// grade), a radar of X1…Xn of the chosen documents (doc, the first one in
// focus) beside the means of every document, the focused document's PMC
// surface as a heatmap, the means per variable, the grades and the city
// averages. A secondary score lists its evidence (PMCDocument.score:
// sentences, the attribute's value or the hand note), a primary variable
// its secondary scores.

import { SENTENCE_FIELDS } from '../lib/api.js';
import { h, control, table, fmt } from '../lib/ui.js';
import { SEQUENTIAL, CATEGORICAL, seriesColour } from '../lib/palette.js';
import { list } from '../lib/state.js';
import { frame, figure, short } from '../lib/view.js';
import { openPanel, sentenceItem } from '../lib/panel.js';
import { escape } from './codebook.js';

// The ranking lists the first RANKED documents (the CSV/XLSX all of them).
const RANKED = 100;
// At most this many documents on the radar.
const RADAR = 5;

const DETAIL = `document { id title issuedOn }
      city { name nameZh }
      rank pmc depression grade surface
      variables {
        variable { id }
        value ones of
        secondary { variable { id } score rule sentenceCount attribute value note }
      }`;

function query(docs) {
  const vars = docs.map((_, i) => `, $d${i}: ID!`).join('');
  const picks = docs.length
    ? docs.map((_, i) => `\n    d${i}: document(id: $d${i}) { ${DETAIL} }`).join('')
    : `\n    top: documents(first: 1) { edges { node { ${DETAIL} } } }`;
  return `query PMC($model: ID!, $filter: CorpusFilter${vars}) {
  pmcModels { id name nameZh }
  pmc(model: $model, filter: $filter) {
    model {
      id name nameZh source
      grades { name nameZh min max }
      variables { id name nameZh secondary { id name nameZh rule } }
    }
    documentCount meanPMC meanDepression
    means { variable { id } mean }
    grades { grade { name } documents }
    cities { city { name nameZh } documents meanPMC means }
    documents(first: ${RANKED}) { totalCount edges { node { document { id title } city { name nameZh } rank pmc depression grade } } }${picks}
  }
}`;
}

const MODELS = 'query PMCModels { pmcModels { id name nameZh } }';

const SCORE = `query PMCScore($model: ID!, $filter: CorpusFilter, $doc: ID!, $variable: ID!, $first: Int) {
  pmc(model: $model, filter: $filter) {
    document(id: $doc) {
      document { id title }
      score(variable: $variable) {
        variable { id name nameZh description rule codes atLeast attribute values min max manual }
        score rule sentenceCount attribute value note
        sentences(first: $first) { ${SENTENCE_FIELDS} }
      }
    }
  }
}`;

const PRIMARY = `query PMCPrimary($model: ID!, $filter: CorpusFilter, $doc: ID!) {
  pmc(model: $model, filter: $filter) {
    document(id: $doc) {
      document { id title }
      variables {
        variable { id name nameZh secondary { id name nameZh } }
        value ones of
        secondary { variable { id } score rule sentenceCount attribute value note }
      }
    }
  }
}`;

// gradeColour: the grade bands lowest first, dark to light on viridis.
function gradeColour(grades, name) {
  const i = grades.findIndex((g) => g.name === name);
  if (i < 0) return '#9e9e9e';
  const n = grades.length;
  return SEQUENTIAL[n <= 1 ? 4 : Math.round(1 + (i * 6) / (n - 1))];
}

// evidenceText is a secondary score's evidence in a few words.
// pmcFilter is the filter bar's CorpusFilter without coders: PMC counts
// every human coding and the API refuses a coder filter.
function pmcFilter(ctx) {
  if (!ctx.filter || !ctx.filter.coders) return ctx.filter;
  const { coders, ...rest } = ctx.filter;
  return Object.keys(rest).length ? rest : null;
}

function evidenceText(s) {
  if (s.rule === 'codings') return `${s.sentenceCount} sentence${s.sentenceCount === 1 ? '' : 's'}`;
  if (s.rule === 'attribute') return `${s.attribute} = ${s.value ?? '(none)'}`;
  return s.note || '';
}

export default {
  title: 'PMC',
  async show(el, ctx, stale) {
    const p = ctx.params;
    let model = p.model || 'default';
    const docs = list(p.doc).slice(0, RADAR);
    const run = async () => {
      const variables = { model, filter: pmcFilter(ctx) };
      docs.forEach((d, i) => { variables['d' + i] = d; });
      const q = query(docs);
      return { q, variables, data: await ctx.gql(q, variables) };
    };
    let res;
    try {
      res = await run();
    } catch (e) {
      // No model asked for and none called default: the study's first.
      if (p.model) throw e;
      const { pmcModels } = await ctx.gql(MODELS, {});
      if (stale()) return;
      if (!pmcModels.length) {
        const { body } = frame(el, { title: 'PMC index', subtitle: 'This study has no PMC model: store one with policykb pmc add-model (docs/frames.md).', name: 'pmc', graphql: { query: MODELS, variables: {} } });
        body.append(h('p', { class: 'empty' }, 'No PMC model to score the documents with.'));
        return;
      }
      if (pmcModels.some((m) => m.id === model)) throw e;
      model = pmcModels[0].id;
      res = await run();
    }
    if (stale()) return;
    const { q, variables, data } = res;
    const pmc = data.pmc;
    const m = pmc.model;
    // The chosen documents the filter admits; the first is in focus.
    const picked = docs.map((_, i) => pmc['d' + i]).filter(Boolean);
    const unscored = docs.filter((_, i) => !pmc['d' + i]);
    const focus = docs.length ? picked[0] : (pmc.top.edges[0] || {}).node;
    this.model = model;
    this.m = m;
    const nameOf = (id) => {
      for (const v of m.variables) {
        if (v.id === id) return v;
        for (const s of v.secondary) if (s.id === id) return s;
      }
      return null;
    };
    this.nameOf = nameOf;
    const docLabel = (d) => `${d.document.id} · ${ctx.name(d.city)}`;
    // choose puts a document in focus, keeping the others on the radar.
    const choose = (id) => ctx.set({ doc: [id, ...docs.filter((x) => x !== id)].slice(0, RADAR).join(','), sel: '' });
    const drop = (id) => ctx.set({ doc: docs.filter((x) => x !== id).join(','), sel: '' });

    const chips = h('div', { class: 'control pmc-docs' }, 'Radar: ',
      picked.length ? picked.map((d) => h('span', { class: 'chip', title: d.document.title },
        docLabel(d), ' ', h('button', { type: 'button', class: 'quiet', 'aria-label': `Remove ${d.document.id}`, onclick: () => drop(d.document.id) }, '×')))
        : (focus ? docLabel(focus) + ' (the highest PMC)' : 'no document'),
      docs.length < list(p.doc).length ? ` (the first ${RADAR})` : '',
      unscored.length ? ` · not among the documents scored: ${unscored.join(', ')}` : '');
    const { body, tables } = frame(el, {
      title: 'PMC index',
      subtitle: `${ctx.name(m)}: ${pmc.documentCount.toLocaleString('en')} documents scored, mean PMC ${fmt(pmc.meanPMC)} of ${m.variables.length} ` +
        `(mean depression ${fmt(pmc.meanDepression)}). ` + (ctx.params.coder ? 'The coder filter does not apply: PMC counts every human coding. ' : '') +
        'Click a bar for its document; a score for its evidence.',
      name: 'pmc',
      controls: [
        control('Model', model, data.pmcModels.map((x) => [x.id, ctx.name(x)]), (v) => ctx.set({ model: v, sel: '' })),
        chips,
      ],
      graphql: { query: q, variables },
      exports: [{ table: 'pmc', params: { model }, filter: { ...ctx.exportFilter, coder: '' }, title: 'Every document\'s scores, Xi, PMC and grade (/export/pmc)' }],
    });
    body.classList.add('two-charts');

    // The ranking: PMC highest first, coloured by grade.
    const ranked = pmc.documents.edges.map((e) => e.node);
    const rank = figure(body, { name: `pmc-ranking-${model}`, height: Math.min(760, Math.max(300, Math.min(ranked.length, 30) * 20 + 90)), caption: 'Ranking by PMC' });
    rank({
      tooltip: { formatter: (x) => { const d = ranked[x.dataIndex]; return `<b>${escape(d.document.title)}</b><br>${escape(docLabel(d))} · rank ${d.rank}<br>PMC ${fmt(d.pmc)} · ${escape(d.grade || 'no grade')}`; } },
      grid: { left: 110, right: ranked.length > 30 ? 40 : 16, top: 22, bottom: 30 },
      xAxis: { type: 'value', min: 0, max: m.variables.length },
      yAxis: { type: 'category', data: ranked.map(docLabel), inverse: true, axisLabel: { fontSize: 10, interval: 0, formatter: (s) => short(s, 16) } },
      dataZoom: ranked.length > 30 ? [{ type: 'slider', yAxisIndex: 0, startValue: 0, endValue: 29, right: 8, width: 16, filterMode: 'filter' }] : [],
      series: [{
        type: 'bar', barWidth: '65%',
        data: ranked.map((d) => ({ value: d.pmc, itemStyle: { color: gradeColour(m.grades, d.grade), borderColor: focus && d.document.id === focus.document.id ? '#000' : null, borderWidth: 1 } })),
        label: { show: ranked.length <= 40, position: 'right', fontSize: 9, formatter: (x) => fmt(x.value) },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: '#555', type: 'dashed' }, label: { formatter: 'mean', fontSize: 9, position: 'start' }, data: [{ xAxis: pmc.meanPMC }] },
      }],
    }, { onClick: (x) => choose(ranked[x.dataIndex].document.id) });

    // The radar of X1…Xn: the chosen documents and the mean.
    const short12 = (v) => short(`${v.id} ${ctx.name(v)}`, 11);
    const onRadar = picked.length ? picked : (focus ? [focus] : []);
    const radar = figure(body, { name: `pmc-radar-${model}`, height: 420, caption: 'Radar of X1…Xn' });
    radar({
      tooltip: {},
      legend: { bottom: 0, data: [...onRadar.map(docLabel), 'mean'] },
      radar: { indicator: m.variables.map((v) => ({ name: short12(v), max: 1 })), radius: '50%', axisName: { fontSize: 10, color: '#333' } },
      series: [{
        type: 'radar',
        data: [
          ...onRadar.map((d, k) => ({ name: docLabel(d), value: d.variables.map((x) => x.value), lineStyle: { color: seriesColour(k + 4) }, itemStyle: { color: seriesColour(k + 4) }, areaStyle: { opacity: 0.08 } })),
          { name: 'mean', value: pmc.means.map((x) => x.mean), lineStyle: { color: '#555', type: 'dashed' }, itemStyle: { color: '#555' } },
        ],
      }],
    });

    if (focus) {
      this.focus = focus.document.id;
      const val = new Map(focus.variables.map((x) => [x.variable.id, x]));
      // The PMC surface: X1…Xn as a k × k heatmap.
      if (focus.surface) {
        const k = focus.surface.length;
        const cells = [];
        focus.surface.forEach((row, y) => row.forEach((v, x) => cells.push([x, y, v, m.variables[y * k + x].id])));
        const surf = figure(body, { name: `pmc-surface-${focus.document.id}`, height: 360, caption: `PMC surface of ${focus.document.id}` });
        surf({
          tooltip: { formatter: (x) => { const v = nameOf(x.data[3]); return `<b>${escape(v.id)} ${escape(ctx.name(v))}</b><br>${fmt(x.data[2])}`; } },
          grid: { left: 40, right: 90, top: 10, bottom: 30 },
          xAxis: { type: 'category', data: [...Array(k).keys()].map((i) => String(i + 1)), splitArea: { show: true } },
          yAxis: { type: 'category', data: [...Array(k).keys()].map((i) => String(i + 1)), inverse: true, splitArea: { show: true } },
          visualMap: { min: 0, max: 1, dimension: 2, calculable: true, right: 0, top: 'middle', itemHeight: 140, inRange: { color: SEQUENTIAL }, formatter: (v) => fmt(v) },
          series: [{
            type: 'heatmap', data: cells, progressive: 0,
            label: { show: true, fontSize: 11, formatter: (x) => `${x.data[3]}\n${fmt(x.data[2])}` },
            emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
          }],
        }, { onClick: (x) => ctx.select(`${focus.document.id}|${x.data[3]}`) });
      }
      // The means per variable, beside the focused document's Xi.
      const means = figure(body, { name: `pmc-means-${model}`, height: 360, caption: 'Mean of each variable' });
      means({
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid: { left: 40, right: 16, top: 16, bottom: 60 },
        xAxis: { type: 'category', data: m.variables.map((v) => v.id) },
        yAxis: { type: 'value', min: 0, max: 1 },
        series: [
          { type: 'bar', name: `mean of ${pmc.documentCount} documents`, data: pmc.means.map((x) => x.mean), itemStyle: { color: CATEGORICAL[1] } },
          { type: 'bar', name: focus.document.id, data: m.variables.map((v) => (val.get(v.id) || {}).value), itemStyle: { color: CATEGORICAL[0] } },
        ],
      }, { onClick: (x) => ctx.select(`${focus.document.id}|${m.variables[x.dataIndex].id}`) });

      // The focused document's secondary scores with their evidence.
      const rows = [];
      for (const v of focus.variables) for (const s of v.secondary) rows.push({ v, s });
      tables.append(table([
        { label: 'Variable', get: (r) => `${r.v.variable.id} ${ctx.name(nameOf(r.v.variable.id))}` },
        { label: 'X', num: true, get: (r) => r.v.value },
        { label: 'Secondary variable', get: (r) => `${r.s.variable.id} ${ctx.name(nameOf(r.s.variable.id))}` },
        { label: 'Rule', get: (r) => r.s.rule },
        { label: 'Score', num: true, get: (r) => r.s.score },
        { label: 'Evidence', get: (r) => evidenceText(r.s) },
      ], rows, {
        activate: (r) => ctx.select(`${focus.document.id}|${r.s.variable.id}`), key: (r) => r.s.variable.id, rowTitle: 'Enter: the evidence',
        caption: `${focus.document.id} ${focus.document.title}: PMC ${fmt(focus.pmc)}, rank ${focus.rank}, ${focus.grade || 'no grade'}`,
      }));
    }
    tables.append(table([
      { label: 'Rank', num: true, get: (d) => d.rank },
      { label: 'Document', get: (d) => d.document.id },
      { label: 'Title', get: (d) => d.document.title },
      { label: 'City', get: (d) => ctx.name(d.city) },
      { label: 'PMC', num: true, get: (d) => d.pmc },
      { label: 'Depression', num: true, get: (d) => d.depression },
      { label: 'Grade', get: (d) => h('span', null, h('i', { class: 'swatch', style: { background: gradeColour(m.grades, d.grade) } }), d.grade || '') },
    ], ranked, { activate: (d) => choose(d.document.id), key: (d) => d.document.id, rowTitle: 'Enter: put on the radar',
      caption: `Ranking${pmc.documents.totalCount > ranked.length ? ` (the first ${ranked.length} of ${pmc.documents.totalCount}; the CSV has every one)` : ''}` }));
    tables.append(table([
      { label: 'Variable', get: (x) => `${x.variable.id} ${ctx.name(nameOf(x.variable.id))}` },
      { label: 'Mean', num: true, get: (x) => x.mean },
    ], pmc.means, { caption: 'Means per variable' }));
    tables.append(table([
      { label: 'Grade', get: (g) => h('span', null, h('i', { class: 'swatch', style: { background: gradeColour(m.grades, g.name) } }), ctx.name(g)) },
      { label: 'PMC from', num: true, get: (g) => g.min },
      { label: 'to', num: true, get: (g) => g.max },
      { label: 'Documents', num: true, get: (g) => (pmc.grades.find((x) => x.grade.name === g.name) || {}).documents },
    ], m.grades, { caption: 'Grades' }));
    tables.append(table([
      { label: 'City', get: (c) => ctx.name(c.city) },
      { label: 'Documents', num: true, get: (c) => c.documents },
      { label: 'Mean PMC', num: true, get: (c) => c.meanPMC },
      ...m.variables.map((v, i) => ({ label: v.id, num: true, title: ctx.name(v), get: (c) => c.means[i] })),
    ], pmc.cities, { caption: 'City averages' }));
  },
  select(sel, ctx) {
    const cut = sel.indexOf('|');
    if (cut < 0) return undefined;
    const doc = sel.slice(0, cut);
    const variable = sel.slice(cut + 1);
    const named = this.nameOf && this.nameOf(variable);
    const label = named ? `${variable} ${ctx.name(named)}` : variable;
    if (!variable.includes(':')) {
      // A primary variable: its secondary scores, each a link to its evidence.
      return openPanel({
        title: `${label} of ${doc}`,
        note: 'Xi is the mean of its secondary scores (PMCDocument.variables). Choose one for its evidence.',
        query: PRIMARY,
        variables: { model: this.model, filter: pmcFilter(ctx), doc },
        render: (d) => {
          const pd = d.pmc.document;
          const x = pd && pd.variables.find((v) => v.variable.id === variable);
          if (!x) return h('p', { class: 'count' }, `${doc} is not among the documents scored, or the model has no ${variable}.`);
          return [
            h('p', { class: 'count' }, h('strong', { class: 'total', 'data-total': String(x.value) }, fmt(x.value)), ` = ${x.ones} of ${x.of}`),
            h('ol', { class: 'pmc-scores' }, x.secondary.map((s) => {
              const v = x.variable.secondary.find((y) => y.id === s.variable.id);
              return h('li', { 'data-id': s.variable.id }, h('a', { href: ctx.link('pmc', '', { ...ctx.params, sel: `${doc}|${s.variable.id}` }) },
                `${s.variable.id} ${v ? ctx.name(v) : ''}`), `: ${s.score} · ${evidenceText(s)}`);
            })),
          ];
        },
      }, ctx);
    }
    return openPanel({
      title: `${label} of ${doc}`,
      note: 'The evidence of the score (PMCDocument.score): the sentences a codings rule counts, the attribute\'s value, or the hand note.',
      query: SCORE,
      variables: { model: this.model, filter: pmcFilter(ctx), doc, variable, first: 100 },
      render: (d) => {
        const pd = d.pmc.document;
        const s = pd && pd.score;
        if (!s) return h('p', { class: 'count' }, `${doc} is not among the documents scored, or the model has no ${variable}.`);
        const v = s.variable;
        const out = [h('p', { class: 'count' }, 'Score ', h('strong', { class: 'score', 'data-score': String(s.score) }, String(s.score)), ` · ${pd.document.title}`)];
        if (v.description) out.push(h('p', { class: 'note' }, v.description));
        if (s.rule === 'codings') {
          out.push(h('p', { class: 'count' }, h('strong', { class: 'total', 'data-total': String(s.sentenceCount) }, String(s.sentenceCount)),
            ` sentence${s.sentenceCount === 1 ? '' : 's'} coded under ${v.codes.join(', ')}; ${v.atLeast} or more score 1` +
            (s.sentences.length < s.sentenceCount ? ` · showing ${s.sentences.length}` : '')));
          out.push(h('ol', { class: 'sentences' }, s.sentences.map((x) => sentenceItem(x, ctx))));
        } else if (s.rule === 'attribute') {
          const want = v.values ? `one of ${v.values.join(', ')}` : `from ${v.min ?? '…'} to ${v.max ?? '…'}`;
          out.push(h('p', { class: 'evidence attribute' }, `${s.attribute} = `, h('strong', { class: 'value' }, s.value ?? '(none)'), ` (scores 1 when ${want})`));
        } else {
          out.push(h('p', { class: 'note' }, v.manual || ''), h('blockquote', { class: 'evidence manual' }, s.note || '(no note)'));
        }
        return out;
      },
    }, ctx);
  },
};
