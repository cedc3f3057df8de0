// The explorer's only ways to the server: the public GraphQL API (/graphql)
// and the /export/ URLs. Every view builds its query here in plain GraphQL,
// so "Open in GraphiQL" shows exactly what the view asked.
//
// The selected study (setStudy, from the URL's study=) goes with every
// request: each question of a query gets study: $study and the query the
// variable $study (withStudy), each /export/ URL study=. With no study
// selected (a base of one study) queries and URLs go as written.

let study = '';

// setStudy selects the study every later request asks about ('' for none).
export function setStudy(id) {
  study = id || '';
}

// Query fields that take no study argument.
const UNSCOPED = new Set(['studies', 'study', 'cypher', '__typename', '__schema', '__type']);

// skipString returns the index just past the string literal at i (a "…"
// string with \ escapes, or a """…""" block string).
function skipString(q, i) {
  if (q.startsWith('"""', i)) {
    const end = q.indexOf('"""', i + 3);
    return end < 0 ? q.length : end + 3;
  }
  for (let j = i + 1; j < q.length; j++) {
    if (q[j] === '\\') j++;
    else if (q[j] === '"' || q[j] === '\n') return j + 1;
  }
  return q.length;
}

// skipIgnored returns the index past a string or a comment at i, or i.
function skipIgnored(q, i) {
  if (q[i] === '"') return skipString(q, i);
  if (q[i] === '#') {
    const end = q.indexOf('\n', i);
    return end < 0 ? q.length : end;
  }
  return i;
}

const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;
function nameAt(q, i) {
  NAME.lastIndex = i;
  const m = NAME.exec(q);
  return m ? m[0] : '';
}
function skipSpace(q, i) {
  while (i < q.length && /[\s,]/.test(q[i])) i++;
  return i;
}

// withStudy rewrites a query's operation so that each of its questions
// (the fields of its top selection set, but studies, study, cypher and
// introspection) takes study: $study, and declares $study: ID. A query
// that names $study already, or has no question to scope, is returned as
// it is. Fragments are left alone: the fields below a question answer for
// its study (a question inside a top-level inline fragment is not scoped,
// and the API refuses it on a base of several studies).
export function withStudy(query) {
  if (/\$study\b/.test(query)) return query;
  const n = query.length;
  let i = 0;
  let parens = 0;
  // The operation's selection set: the first { outside parentheses.
  while (i < n) {
    const j = skipIgnored(query, i);
    if (j !== i) { i = j; continue; }
    const c = query[i];
    if (c === '(') parens++;
    else if (c === ')') parens--;
    else if (c === '{' && !parens) break;
    i++;
  }
  if (i >= n) return query;
  let head = query.slice(0, i);
  let out = '';
  let last = i;
  let depth = 0;
  let used = 0;
  parens = 0;
  while (i < n) {
    const j = skipIgnored(query, i);
    if (j !== i) { i = j; continue; }
    const c = query[i];
    if (parens) {
      if (c === '(') parens++;
      else if (c === ')') parens--;
      i++;
    } else if (c === '(') {
      parens++;
      i++;
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      i++;
      if (--depth === 0) break;
    } else if (c === '.' || c === '@') {
      // A fragment spread, an inline fragment or a directive: not a field.
      while (query[i] === '.' || query[i] === '@') i++;
      i = skipSpace(query, i);
      const word = nameAt(query, i);
      i += word.length;
      if (word === 'on') {
        i = skipSpace(query, i);
        i += nameAt(query, i).length;
      }
    } else if (depth === 1 && nameAt(query, i)) {
      // A question: [alias:] name [(arguments)].
      let field = nameAt(query, i);
      let k = i + field.length;
      const colon = skipSpace(query, k);
      if (query[colon] === ':') {
        const at = skipSpace(query, colon + 1);
        field = nameAt(query, at);
        k = at + field.length;
      }
      i = k;
      if (UNSCOPED.has(field)) continue;
      const open = skipSpace(query, k);
      if (query[open] === '(') {
        // Its arguments end at the matching ) (values hold no parentheses
        // but in strings).
        let e = open + 1;
        for (let p = 1; e < n; ) {
          const s = skipIgnored(query, e);
          if (s !== e) { e = s; continue; }
          if (query[e] === '(') p++;
          else if (query[e] === ')' && --p === 0) break;
          e++;
        }
        const empty = !/\S/.test(query.slice(open + 1, e));
        out += query.slice(last, e) + (empty ? '' : ', ') + 'study: $study';
        last = e;
        i = e + 1;
      } else {
        out += query.slice(last, k) + '(study: $study)';
        last = k;
      }
      used++;
    } else {
      i += Math.max(1, nameAt(query, i).length);
    }
  }
  if (!used) return query;
  out += query.slice(last);
  const close = head.lastIndexOf(')');
  if (close >= 0) head = head.slice(0, close) + ', $study: ID' + head.slice(close);
  else if (/\S/.test(head)) head = head.replace(/\s*$/, '($study: ID) ');
  else head = 'query($study: ID) ' + head;
  return head + out;
}

// scoped is a request as sent: the query and variables with the selected
// study, if any.
function scoped(query, variables) {
  if (!study) return { query, variables };
  const q = withStudy(query);
  return /\$study\b/.test(q) ? { query: q, variables: { ...variables, study } } : { query, variables };
}

// gql runs a query and returns its data; an answer with errors throws an
// Error whose message joins the API's messages (with their codes).
export async function gql(query, variables = {}) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(scoped(query, variables)),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`the server answered HTTP ${res.status} without JSON`);
  }
  if (body.errors && body.errors.length) {
    const msg = body.errors.map((e) => {
      const code = e.extensions && e.extensions.code ? `${e.extensions.code}: ` : '';
      const arg = e.extensions && e.extensions.argument ? ` (argument ${e.extensions.argument})` : '';
      return code + e.message + arg;
    }).join('; ');
    const err = new Error(msg);
    err.errors = body.errors;
    throw err;
  }
  return body.data;
}

// graphiqlHref opens GraphiQL (at /) with a query and its variables.
export function graphiqlHref(query, variables) {
  ({ query, variables } = scoped(query, variables || {}));
  const p = new URLSearchParams({ query: query.trim() + '\n' });
  if (variables && Object.keys(variables).length) p.set('variables', JSON.stringify(variables, null, 2));
  return '/?' + p.toString();
}

// exportHref is a /export/ URL: table (codings, counts, matrix, ...) in a
// format (csv, xlsx, json) with the view's parameters and the filter's.
export function exportHref(table, format, params, filter) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  for (const [k, v] of Object.entries(filter || {})) if (v) p.set(k, v);
  if (study) p.set('study', study);
  const qs = p.toString();
  return `/export/${table}.${format}` + (qs ? '?' + qs : '');
}

// The fields the explorer shows for a sentence wherever it lists one.
export const SENTENCE_FIELDS = `id index kind text
  document { id title issuedOn city { name nameZh } }
  codings { coder code { id name nameZh level path { id } } }`;

// A page of a sentence connection.
export const PAGE_FIELDS = `totalCount pageInfo { hasNextPage endCursor } edges { node { ${SENTENCE_FIELDS} } }`;
