// /explore/document/<id>?sel=<sentence id>: the reader every drill-down
// ends in. The full text, sentence by sentence, each coded sentence
// highlighted in its main category's colour with its codes beside it, and
// above the text a strip of where the codes fall through the document
// (MAXQDA's document portrait). /explore/document lists the documents.

import { h, table } from '../lib/ui.js';
import { colourOf, tint } from '../lib/palette.js';
import { frame, figure, short } from '../lib/view.js';
import { escape } from './codebook.js';

const QUERY = `query Document($id: ID!, $first: Int, $after: String) {
  document(id: $id) {
    id title issuer issuedOn docType url synthetic sentenceCount
    city { name nameZh province }
    sentences(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id index kind text codings { coder origin quote code { id number name nameZh level path { id } } } } }
    }
  }
}`;

const LIST = `query Documents($filter: CorpusFilter, $first: Int, $after: String) {
  documents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id title issuedOn docType sentenceCount city { name nameZh } } }
  }
}`;

async function showList(el, ctx, stale) {
  const variables = { filter: ctx.filter, first: 50 };
  const { documents } = await ctx.gql(LIST, variables);
  if (stale()) return;
  const { tables } = frame(el, {
    title: 'Documents',
    subtitle: `${documents.totalCount.toLocaleString('en')} documents. Open one to read it with its codings.`,
    name: 'documents',
    graphql: { query: LIST, variables },
    exports: [{ table: 'codings', params: {}, filter: ctx.exportFilter }],
  });
  const rows = documents.edges.map((e) => e.node);
  const cols = [
    { label: 'City', get: (d) => ctx.name(d.city) },
    { label: 'Issued', get: (d) => d.issuedOn || '' },
    { label: 'Document', get: (d) => h('a', { href: ctx.link('document', d.id) }, d.title) },
    { label: 'Type', get: (d) => d.docType || '' },
    { label: 'Sentences', num: true, get: (d) => d.sentenceCount },
  ];
  const wrap = h('div');
  tables.append(wrap);
  let page = documents;
  const redraw = () => wrap.replaceChildren(table(cols, rows, { activate: (d) => ctx.go('document', d.id), rowTitle: 'Enter: read the document', limit: 100000 }));
  redraw();
  const more = h('button', { type: 'button', class: 'more', hidden: !page.pageInfo.hasNextPage }, 'More documents');
  more.addEventListener('click', async () => {
    const { documents: next } = await ctx.gql(LIST, { ...variables, after: page.pageInfo.endCursor });
    page = next;
    rows.push(...next.edges.map((e) => e.node));
    redraw();
    more.hidden = !next.pageInfo.hasNextPage;
  });
  tables.append(more);
}

export default {
  title: 'Documents',
  async show(el, ctx, stale) {
    const id = ctx.state.id;
    if (!id) return showList(el, ctx, stale);
    // The sentences come a page at a time (the server caps a page).
    const variables = { id, first: 100 };
    let doc = null;
    const sentences = [];
    let after = null;
    for (let pages = 0; pages < 200; pages++) {
      const { document: d } = await ctx.gql(QUERY, after ? { ...variables, after } : variables);
      if (stale()) return;
      if (!d) throw new Error(`No document has the id ${id}.`);
      doc = d;
      sentences.push(...d.sentences.edges.map((e) => e.node));
      if (!d.sentences.pageInfo.hasNextPage) break;
      after = d.sentences.pageInfo.endCursor;
    }
    this.doc = doc;
    const coded = sentences.filter((s) => s.codings.length);
    const { body, tables } = frame(el, {
      title: doc.title,
      subtitle: [ctx.name(doc.city), doc.city.province, doc.issuer, doc.issuedOn, doc.docType,
        `${doc.sentenceCount} sentences, ${coded.length} coded`, doc.synthetic ? 'synthetic text' : null].filter(Boolean).join(' · '),
      name: 'document',
      graphql: { query: QUERY, variables },
      exports: [{ table: 'codings', params: {}, filter: { document: doc.id }, title: 'The document\'s codings, one row each' }],
    });
    // The portrait: one row per main category present, a mark per coded sentence.
    const mains = [];
    const seen = new Map();
    const marks = [];
    for (const s of coded) {
      for (const c of s.codings) {
        const m = c.code.path && c.code.path.length > 1 ? c.code.path[1].id : c.code.id;
        if (!seen.has(m)) { seen.set(m, mains.length); mains.push(m); }
        marks.push({ value: [s.index, seen.get(m)], itemStyle: { color: colourOf(m) }, sid: s.id });
      }
    }
    const mainName = new Map(ctx.meta.codes.map((c) => [c.id, ctx.name(c)]));
    const draw = figure(body, { name: 'document-' + doc.id, height: Math.max(120, mains.length * 16 + 60), caption: 'Where the codes fall (document portrait)', cls: 'portrait' });
    draw({
      grid: { left: 170, right: 20, top: 8, bottom: 28 },
      tooltip: { formatter: (x) => `#${x.value[0]} · ${escape(mainName.get(mains[x.value[1]]) || mains[x.value[1]])}` },
      xAxis: { type: 'value', min: 0, max: Math.max(1, sentences.length - 1), name: 'sentence', nameLocation: 'middle', nameGap: 18, axisLabel: { fontSize: 9 } },
      yAxis: { type: 'category', inverse: true, data: mains.map((m) => short(mainName.get(m) || m, 24)), axisLabel: { fontSize: 9, interval: 0 } },
      series: [{ type: 'scatter', progressive: 0, symbol: 'rect', symbolSize: [Math.max(2, 600 / Math.max(1, sentences.length)), 11], data: marks }],
    }, { onClick: (x) => ctx.select(x.data.sid) });
    // The text.
    const reader = h('div', { class: 'reader' });
    const frag = document.createDocumentFragment();
    for (const s of sentences) {
      const codes = [];
      const ids = new Set();
      for (const c of s.codings) {
        if (ids.has(c.code.id)) continue;
        ids.add(c.code.id);
        codes.push(h('a', { class: 'chip', href: ctx.link('codebook', '', { sel: c.code.id }), title: `${c.code.id} · ${s.codings.filter((x) => x.code.id === c.code.id).map((x) => x.coder || '?').join(', ')}` },
          h('i', { style: { background: colourOf(c.code) } }), ctx.name(c.code)));
      }
      const main = s.codings.length ? colourOf(s.codings[0].code) : null;
      frag.append(h('div', {
        class: 'sent' + (s.kind === 'HEADING' ? ' heading' : '') + (s.codings.length ? ' coded' : ''),
        id: 's-' + s.index, 'data-id': s.id, 'data-index': String(s.index), tabindex: s.codings.length ? '0' : null,
        style: main ? { background: tint(main, 0.22), borderLeftColor: main } : null,
      }, h('span', { class: 'n' }, String(s.index)), h('p', { class: 't' }, s.text), h('div', { class: 'codes' }, codes)));
    }
    reader.append(frag);
    reader.addEventListener('keydown', (e) => {
      const s = e.target.closest('.sent.coded');
      if (s && e.key === 'Enter') { e.preventDefault(); ctx.select(s.dataset.id); }
    });
    body.append(h('div', { class: 'legend' }, mains.map((m) => h('span', { class: 'chip' }, h('i', { style: { background: colourOf(m) } }), mainName.get(m) || m))), reader);
    tables.append(table([
      { label: '#', num: true, get: (s) => s.index },
      { label: 'Sentence', get: (s) => short(s.text, 80) },
      { label: 'Codes', get: (s) => [...new Set(s.codings.map((c) => ctx.name(c.code)))].join('; ') },
      { label: 'Coders', get: (s) => [...new Set(s.codings.map((c) => c.coder || '?'))].join(', ') },
    ], coded, { activate: (s) => ctx.select(s.id), caption: 'The coded sentences', rowTitle: 'Enter: show it in the text' }));
  },
  // select marks a sentence in the text and scrolls to it.
  select(sel) {
    for (const el of document.querySelectorAll('.sent.selected')) el.classList.remove('selected');
    const el = document.querySelector(`.sent[data-id="${CSS.escape(sel)}"]`);
    if (el) {
      el.classList.add('selected');
      el.scrollIntoView({ block: 'center' });
    }
  },
};
