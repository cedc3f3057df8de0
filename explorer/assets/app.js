// The explorer's shell: routing (/explore/<view>[/<id>]?<state>), the
// header, the filter bar shared by every view (with the study selector on
// a base of several studies), the language switch, and the render loop
// that draws a view and marks the page rendered
// (document.body.dataset.rendered = the view's name, or studies for the
// list of studies to choose from) when its chart and table stand.

import { gql, setStudy } from './lib/api.js';
import { parse, href, FILTER_KEYS, corpusFilter, exportFilter } from './lib/state.js';
import { h } from './lib/ui.js';
import { setMainCategories } from './lib/palette.js';
import { disposeAll, resizeAll } from './lib/chart.js';
import { openSentences, closePanel } from './lib/panel.js';
import codebook from './views/codebook.js';
import matrix from './views/matrix.js';
import compare from './views/compare.js';
import similarity from './views/similarity.js';
import cooccurrence from './views/cooccurrence.js';
import saturation from './views/saturation.js';
import agreement from './views/agreement.js';
import documentView from './views/document.js';
import search from './views/search.js';
import instruments from './views/instruments.js';
import pmc from './views/pmc.js';

const VIEWS = { codebook, matrix, compare, similarity, cooccurrence, saturation, agreement, instruments, pmc, document: documentView, search };
const NAV = ['codebook', 'matrix', 'compare', 'similarity', 'cooccurrence', 'saturation', 'agreement', 'instruments', 'pmc', 'document', 'search'];

// What every view needs besides its own data: the cities and document
// types for the filter bar, the main categories for the colours. (Not
// Query.stats: it counts every sentence, which at national scale takes
// longer than a view may.) It is asked once per study: the selected one
// goes with it (api.js).
const META = `query ExplorerMeta {
  cities { name nameZh province }
  codes(level: MAIN_CATEGORY) { id name nameZh }
  docTypes: matrix(rows: LAYER, columns: DOC_TYPE) { columns }
  documents(first: 1) { totalCount }
}`;
const metas = new Map(); // study id ('' for none) → the meta query's answer
function meta(study) {
  let p = metas.get(study);
  if (!p) {
    p = gql(META);
    p.catch(() => metas.delete(study));
    metas.set(study, p);
  }
  return p;
}

// The studies of the knowledge base, asked once per page: with more than
// one, the filter bar shows a selector and every request names the study.
const STUDIES = 'query ExplorerStudies { studies { id name source } }';
let studiesPromise = null;
function studies() {
  if (!studiesPromise) {
    studiesPromise = gql(STUDIES).then((d) => d.studies);
    studiesPromise.catch(() => { studiesPromise = null; });
  }
  return studiesPromise;
}

function defaultLang() {
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let seq = 0;
let current = null; // {st, ctx, view}

function makeCtx(st, metaP) {
  const lang = st.params.lang || defaultLang();
  const keep = () => {
    const p = {};
    for (const k of FILTER_KEYS) if (st.params[k]) p[k] = st.params[k];
    if (st.params.lang) p.lang = st.params.lang;
    if (st.params.study) p.study = st.params.study;
    return p;
  };
  const ctx = {
    state: st,
    params: st.params,
    meta: null, // set when the meta query answers; ctx.gql waits for it
    // gql runs a view's query alongside the meta query and resolves when
    // both have answered, so that a view never waits for one, then the other.
    gql: async (query, variables) => {
      const [data, m] = await Promise.all([gql(query, variables), metaP]);
      ctx.meta = m;
      performance.mark('policykb:data');
      return data;
    },
    metaReady: metaP,
    lang,
    name: (x) => (x ? (lang === 'zh' && x.nameZh ? x.nameZh : x.name) : ''),
    filter: corpusFilter(st.params),
    exportFilter: exportFilter(st.params),
    // link is the URL of a view with the study, filter and language kept.
    link: (view, id, params) => href({ view, id, params: { ...keep(), ...(params || {}) } }),
    // set changes the view's parameters: a new history entry, redrawn.
    set: (changes, { replace } = {}) => {
      const params = { ...st.params, ...changes };
      for (const k of Object.keys(params)) if (params[k] === '' || params[k] === null || params[k] === undefined) delete params[k];
      navigate(href({ view: st.view, id: st.id, params }), { replace });
    },
    go: (view, id, params) => navigate(ctx.link(view, id, params)),
    // select keeps a mark's selection in the URL and opens its sentences.
    select: (sel) => {
      const params = { ...st.params };
      if (sel) params.sel = sel; else delete params.sel;
      history.pushState(null, '', href({ view: st.view, id: st.id, params }));
      st.params = params;
      return showSelection();
    },
    openSentences: (spec) => openSentences(spec, ctx),
  };
  return ctx;
}

async function showSelection() {
  const { st, ctx, view } = current;
  if (!st.params.sel || !view.select) {
    closePanel();
    return;
  }
  await view.select(st.params.sel, ctx);
}

function navigate(url, { replace } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function header(st, ctx) {
  const nav = document.getElementById('views');
  nav.replaceChildren(...NAV.map((v) => h('a', {
    href: ctx.link(v, '', v === 'search' && st.params.q ? { q: st.params.q } : null),
    'aria-current': v === st.view ? 'page' : null,
  }, VIEWS[v].title)));
  const lang = document.getElementById('lang');
  lang.textContent = ctx.lang === 'zh' ? 'English' : '中文';
  lang.onclick = () => ctx.set({ lang: ctx.lang === 'zh' ? 'en' : 'zh' }, { replace: true });
  document.getElementById('search-box').value = st.view === 'search' ? (st.params.q || '') : '';
  document.getElementById('graphiql-link').href = '/';
  document.querySelector('#top .brand').href = ctx.link('codebook');
}

// studySelect is the filter bar's study selector (a base of several
// studies): choosing one keeps the view and its state but the selection,
// whose codes are the other study's.
function studySelect(ctx, list, current) {
  const sel = h('select', { id: 'f-study', name: 'study' },
    current ? null : h('option', { value: '', selected: true, disabled: true }, 'choose…'),
    list.map((s) => h('option', { value: s.id, selected: s.id === current, title: s.id }, s.name)));
  sel.addEventListener('change', () => ctx.set({ study: sel.value, sel: '' }));
  return h('label', { for: 'f-study', class: 'study' }, 'Study', sel);
}

// chooser is what the explorer shows on a base of several studies when the
// URL names none (or one it does not hold): the studies, each a link to
// the same view and state in that study.
function chooser(st, ctx, list, wanted) {
  header(st, ctx);
  const form = document.getElementById('filters');
  form.replaceChildren(studySelect(ctx, list, ''));
  form.onsubmit = (e) => e.preventDefault();
  document.title = 'Choose a study · policykb Explorer';
  document.getElementById('view').replaceChildren(
    h('div', { class: 'view-head' }, h('h1', null, 'Choose a study'),
      h('p', { class: 'subtitle' }, (wanted ? `This knowledge base holds no study “${wanted}”. ` : '') +
        `It holds ${list.length} studies (codebooks with their codings); every view counts within one. Choose the one to explore:`)),
    h('ul', { class: 'studies' }, list.map((s) => h('li', null,
      h('a', { href: href({ view: st.view, id: st.id, params: { ...st.params, study: s.id } }), 'data-study': s.id }, s.name),
      (s.name !== s.id ? ` · ${s.id}` : '') + (s.source ? ` · source: ${s.source}` : '')))));
  document.body.dataset.rendered = 'studies';
}

function field(name, label, value, opts = {}) {
  const id = 'f-' + name;
  const input = h('input', { id, name, value: value || '', placeholder: opts.placeholder || '', list: opts.list ? id + '-list' : null, size: opts.size || 14, inputmode: opts.inputmode });
  return h('label', { for: id }, label, input, opts.list ? h('datalist', { id: id + '-list' }, opts.list.map((v) => h('option', { value: v }))) : null);
}

function filterBar(st, ctx, m, list, study) {
  const form = document.getElementById('filters');
  const provinces = [...new Set(m.cities.map((c) => c.province).filter(Boolean))].sort();
  const cityNames = m.cities.map((c) => ctx.name(c));
  // replaceChildren would write a null as the text "null": the selector is
  // there only on a base of several studies.
  form.replaceChildren(...[
    list.length > 1 ? studySelect(ctx, list, study) : null,
    h('span', { class: 'filter-title' }, 'Filter'),
    field('city', 'Cities', st.params.city, { list: cityNames, placeholder: 'all', size: 14 }),
    field('province', 'Provinces', st.params.province, { list: provinces, placeholder: 'all', size: 10 }),
    field('from', 'From', st.params.from, { placeholder: 'year', size: 8 }),
    field('to', 'To', st.params.to, { placeholder: 'year', size: 8 }),
    field('doctype', 'Document types', st.params.doctype, { list: m.docTypes.columns.filter((c) => c !== 'unknown'), placeholder: 'all', size: 12 }),
    field('coder', 'Coders', st.params.coder, { placeholder: 'all', size: 5 }),
    h('button', { type: 'submit' }, 'Apply'),
    h('button', { type: 'button', class: 'quiet', onclick: () => ctx.set(Object.fromEntries(FILTER_KEYS.map((k) => [k, '']))) }, 'Clear'),
    h('span', { class: 'stats' }, `${m.cities.length.toLocaleString('en')} cities · ${m.documents.totalCount.toLocaleString('en')} documents`),
  ].filter((c) => c !== null));
  form.onsubmit = (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const changes = {};
    for (const k of FILTER_KEYS) changes[k] = (fd.get(k) || '').trim();
    changes.sel = '';
    ctx.set(changes);
  };
}

async function render() {
  const mine = ++seq;
  const st = parse(window.location);
  const view = VIEWS[st.view];
  document.body.dataset.rendered = '';
  disposeAll();
  closePanel();
  const el = document.getElementById('view');
  if (!view) {
    const keep = st.params.study ? { study: st.params.study } : {};
    el.replaceChildren(h('p', { class: 'error' }, `No view "${st.view}". `, h('a', { href: href({ view: 'codebook', params: keep }) }, 'Open the codebook')));
    document.body.dataset.rendered = 'error';
    return;
  }
  el.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  // Which study: the URL's (by id or name), or none on a base of one
  // study; with several and none named, the studies to choose from.
  let list;
  try {
    list = await studies();
  } catch (e) {
    if (mine !== seq) return;
    el.replaceChildren(h('h1', null, view.title), h('p', { class: 'error' }, e.message));
    document.body.dataset.rendered = 'error';
    return;
  }
  if (mine !== seq) return;
  const wanted = st.params.study || '';
  const found = wanted ? list.find((s) => s.id === wanted || s.name.toLowerCase() === wanted.toLowerCase()) : null;
  if (wanted ? !found : list.length > 1) {
    setStudy('');
    current = { st, ctx: makeCtx(st, null), view: {} };
    chooser(st, current.ctx, list, wanted);
    return;
  }
  const study = found ? found.id : '';
  setStudy(study);
  const metaP = meta(study).then((m) => {
    if (mine === seq) setMainCategories(m.codes.map((c) => c.id));
    return m;
  });
  const ctx = makeCtx(st, metaP);
  current = { st, ctx, view };
  document.title = `${view.title} · policykb Explorer`;
  // The header and filter bar wait for the meta query; the view's own
  // query runs meanwhile (ctx.gql).
  const chrome = metaP.then((m) => {
    if (mine !== seq) return;
    ctx.meta = m;
    document.documentElement.lang = ctx.lang === 'zh' ? 'zh' : 'en';
    header(st, ctx);
    filterBar(st, ctx, m, list, study);
  });
  try {
    await Promise.all([chrome, view.show(el, ctx, () => mine !== seq)]);
  } catch (e) {
    if (mine !== seq) return;
    disposeAll();
    el.replaceChildren(h('h1', null, view.title), h('p', { class: 'error' }, e.message));
    document.body.dataset.rendered = 'error';
    closePanel();
    return;
  }
  if (mine !== seq) return;
  performance.mark('policykb:rendered');
  document.body.dataset.rendered = st.view;
  await showSelection();
}

// Links inside the explorer navigate without reloading the page.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.hasAttribute('download')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith('/explore/') || url.pathname.startsWith('/explore/assets/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

document.getElementById('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = document.getElementById('search-box').value.trim();
  if (current) current.ctx.go('search', '', q ? { q } : null);
});

window.addEventListener('popstate', () => render());
let resizeTimer = 0;
window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(resizeAll, 150); });

if (window.location.pathname === '/explore/' || window.location.pathname === '/explore') {
  history.replaceState(null, '', '/explore/codebook' + window.location.search);
}
render();
