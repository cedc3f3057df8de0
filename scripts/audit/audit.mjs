// Runs the graphql-http audit (the GraphQL-over-HTTP specification's
// server audits) against the /graphql URL given as the first argument,
// prints every audit that did not pass and the counts, writes the results
// as JSON to the file given as the second argument (optional), and exits
// non-zero when a MUST (error) or a SHOULD (warning) failed.
import { writeFileSync } from 'node:fs';
import { auditServer } from 'graphql-http';

const [url, out] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql [results.json]');
  process.exit(2);
}
const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const failed = [];
for (const r of results) {
  counts[r.status]++;
  if (r.status !== 'ok') {
    let body = '';
    try { body = await r.response.text(); } catch { /* already read */ }
    failed.push({ id: r.id, status: r.status, name: r.name, reason: r.reason,
      httpStatus: r.response.status, body: body.slice(0, 300) });
  }
}
for (const f of failed) {
  console.log(`${f.status.padEnd(6)} ${f.id} ${f.name}: ${f.reason} (HTTP ${f.httpStatus}) ${f.body}`);
}
const line = `graphql-http audit of ${url}: ${counts.ok} ok, ${counts.notice} notices (MAY), ` +
  `${counts.warn} warnings (SHOULD), ${counts.error} errors (MUST) of ${results.length}`;
console.log(line);
if (out) {
  writeFileSync(out, JSON.stringify({ tool: 'graphql-http auditServer', counts, total: results.length,
    failed: failed.map(({ body, ...f }) => f) }, null, 2) + '\n');
}
process.exit(counts.error + counts.warn > 0 ? 1 : 0);
