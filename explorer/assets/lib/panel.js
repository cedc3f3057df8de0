// The sentences panel: what every click on a mark opens. It runs the
// GraphQL query behind the number (Code.sentences, MatrixCell.sentences,
// CodePair.evidence, ...) page by page and lists the sentences, each
// linking to its document in the reader.

import { gql, graphiqlHref } from './api.js';
import { h } from './ui.js';
import { colourOf } from './palette.js';
import { resizeAll } from './chart.js';

const panel = () => document.getElementById('panel');
let token = 0;

export function closePanel() {
  token++;
  const p = panel();
  const was = !p.hidden;
  p.hidden = true;
  p.replaceChildren();
  document.body.classList.remove('with-panel');
  if (was) resizeAll(); // the charts take the panel's room back
}

// sentenceItem renders one sentence with its place and its codes.
export function sentenceItem(s, ctx, { terms } = {}) {
  const doc = s.document;
  const link = h('a', { href: ctx.link('document', doc.id, { sel: s.id }), 'data-nav': '' },
    `${ctx.name(doc.city)} · ${doc.title} · #${s.index}`);
  const codes = dedupe(s.codings || []).map((c) => h('span', { class: 'chip', title: `${c.code.id} (${c.coder || '?'})` },
    h('i', { style: { background: colourOf(c.code) } }), ctx.name(c.code)));
  return h('li', { class: 'sentence', 'data-id': s.id }, h('p', { class: 'text' }, terms ? highlight(s.text, terms) : s.text),
    h('div', { class: 'where' }, link, doc.issuedOn ? ' · ' + doc.issuedOn : ''), codes.length ? h('div', { class: 'codes' }, codes) : null);
}

function dedupe(codings) {
  const seen = new Set();
  return codings.filter((c) => !seen.has(c.code.id) && seen.add(c.code.id));
}

// highlight marks every occurrence of the terms (case-insensitive).
export function highlight(text, terms) {
  const ts = terms.filter(Boolean).map((t) => t.toLowerCase());
  if (!ts.length) return text;
  const low = text.toLowerCase();
  const out = [];
  let i = 0;
  while (i < text.length) {
    let best = -1;
    let len = 0;
    for (const t of ts) {
      const j = low.indexOf(t, i);
      if (j >= 0 && (best < 0 || j < best || (j === best && t.length > len))) { best = j; len = t.length; }
    }
    if (best < 0) break;
    if (best > i) out.push(text.slice(i, best));
    out.push(h('mark', null, text.slice(best, best + len)));
    i = best + len;
  }
  if (i < text.length) out.push(text.slice(i));
  return out;
}

// openSentences opens the panel on spec = {title, note, query, variables,
// pick(data) → {totalCount, pageInfo, edges: [{node}]}}; the query takes
// $first and $after when it pages. Its promise resolves when the first
// page is shown.
export async function openSentences(spec, ctx) {
  const mine = ++token;
  const p = panel();
  document.body.classList.add('with-panel');
  if (p.hidden) {
    p.hidden = false;
    resizeAll(); // the charts make room for the panel
  }
  const list = h('ol', { class: 'sentences' });
  const count = h('p', { class: 'count' }, 'Loading…');
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => ctx.select('') }, '×');
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'More sentences');
  p.replaceChildren(
    h('div', { class: 'panel-head' }, h('h2', null, spec.title), close),
    spec.note ? h('p', { class: 'note' }, spec.note) : null,
    count,
    h('p', { class: 'panel-links' }, h('a', { class: 'button graphiql', href: graphiqlHref(spec.query, spec.variables) }, 'Open in GraphiQL')),
    list, more);
  let shown = 0;
  const load = async (after) => {
    const vars = { ...spec.variables };
    if (after) vars.after = after;
    let conn;
    try {
      conn = spec.pick(await gql(spec.query, vars));
    } catch (e) {
      if (mine === token) count.textContent = 'Error: ' + e.message;
      return;
    }
    if (mine !== token) return;
    if (!conn) { count.textContent = 'Nothing behind this mark.'; return; }
    const frag = document.createDocumentFragment();
    for (const e of conn.edges) frag.append(sentenceItem(e.node, ctx, { terms: spec.terms }));
    list.append(frag);
    shown += conn.edges.length;
    const total = conn.totalCount ?? shown;
    count.replaceChildren(h('strong', { class: 'total', 'data-total': String(total) }, total.toLocaleString('en')),
      ` sentence${total === 1 ? '' : 's'}` + (shown < total ? ` · showing ${shown.toLocaleString('en')}` : ''));
    more.hidden = !(conn.pageInfo && conn.pageInfo.hasNextPage);
    more.onclick = () => load(conn.pageInfo.endCursor);
    p.dataset.loaded = String(shown);
  };
  p.dataset.loaded = '';
  await load(null);
  close.focus({ preventScroll: true });
}

// openPanel opens the panel on what is not one sentence connection: spec
// = {title, note, query, variables, render(data) → [nodes]}; render lists
// the answer's evidence (sentenceItem for sentences). Its promise
// resolves when the answer is shown.
export async function openPanel(spec, ctx) {
  const mine = ++token;
  const p = panel();
  document.body.classList.add('with-panel');
  if (p.hidden) {
    p.hidden = false;
    resizeAll();
  }
  const body = h('div', { class: 'panel-body' }, h('p', { class: 'count' }, 'Loading…'));
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => ctx.select('') }, '×');
  p.replaceChildren(
    h('div', { class: 'panel-head' }, h('h2', null, spec.title), close),
    spec.note ? h('p', { class: 'note' }, spec.note) : null,
    h('p', { class: 'panel-links' }, h('a', { class: 'button graphiql', href: graphiqlHref(spec.query, spec.variables) }, 'Open in GraphiQL')),
    body);
  p.dataset.loaded = '';
  let nodes;
  try {
    nodes = spec.render(await gql(spec.query, spec.variables));
  } catch (e) {
    if (mine === token) body.replaceChildren(h('p', { class: 'count' }, 'Error: ' + e.message));
    return;
  }
  if (mine !== token) return;
  body.replaceChildren(...[].concat(nodes).filter(Boolean));
  p.dataset.loaded = String(p.querySelectorAll('li.sentence').length || 'yes');
  close.focus({ preventScroll: true });
}
