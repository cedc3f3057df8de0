// A view's whole state lives in its URL: /explore/<view>[/<id>]?<params>.
// The filter bar's parameters are named as the /export/ URLs name them
// (city, province, doctype, coder, from, to), so they pass straight on.

export const FILTER_KEYS = ['city', 'province', 'doctype', 'coder', 'from', 'to'];

// parse reads a location into {view, id, params}.
export function parse(loc) {
  const rest = loc.pathname.replace(/^\/explore\/?/, '');
  const [view, ...id] = rest.split('/').filter(Boolean);
  const params = {};
  for (const [k, v] of new URLSearchParams(loc.search)) params[k] = v;
  return { view: view || 'codebook', id: id.length ? decodeURIComponent(id.join('/')) : '', params };
}

// href writes a state back as a URL; empty parameters are left out.
export function href(state) {
  let path = '/explore/' + state.view;
  if (state.id) path += '/' + encodeURIComponent(state.id);
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state.params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const qs = p.toString();
  return path + (qs ? '?' + qs : '');
}

export function list(s) {
  return (s || '').split(',').map((x) => x.trim()).filter(Boolean);
}

// A year alone stands for its first day (from) or last day (to).
function day(s, end) {
  if (!s) return null;
  if (/^\d{4}$/.test(s)) return end ? `${s}-12-31` : `${s}-01-01`;
  return s;
}

// corpusFilter is the GraphQL CorpusFilter of a state's filter bar, or null.
export function corpusFilter(params) {
  const f = {};
  const put = (key, name) => { const v = list(params[name]); if (v.length) f[key] = v; };
  put('cities', 'city');
  put('provinces', 'province');
  put('docTypes', 'doctype');
  put('coders', 'coder');
  const from = day(params.from, false);
  const to = day(params.to, true);
  if (from) f.issuedFrom = from;
  if (to) f.issuedTo = to;
  return Object.keys(f).length ? f : null;
}

// exportFilter is the filter as /export/ parameters.
export function exportFilter(params) {
  return {
    city: params.city, province: params.province, doctype: params.doctype, coder: params.coder,
    from: day(params.from, false), to: day(params.to, true),
  };
}
