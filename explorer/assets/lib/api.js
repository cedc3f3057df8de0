// The explorer's only ways to the server: the public GraphQL API (/graphql)
// and the /export/ URLs. Every view builds its query here in plain GraphQL,
// so "Open in GraphiQL" shows exactly what the view asked.

// gql runs a query and returns its data; an answer with errors throws an
// Error whose message joins the API's messages (with their codes).
export async function gql(query, variables = {}) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
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
  const qs = p.toString();
  return `/export/${table}.${format}` + (qs ? '?' + qs : '');
}

// The fields the explorer shows for a sentence wherever it lists one.
export const SENTENCE_FIELDS = `id index kind text
  document { id title issuedOn city { name nameZh } }
  codings { coder code { id name nameZh level path { id } } }`;

// A page of a sentence connection.
export const PAGE_FIELDS = `totalCount pageInfo { hasNextPage endCursor } edges { node { ${SENTENCE_FIELDS} } }`;
