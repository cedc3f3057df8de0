// /explore/matrix?rows=LEVEL&columns=DIMENSION&measure=MEASURE&rorder=...&corder=...:
// a heatmap of Query.matrix (NVivo's matrix coding query, MAXQDA's code
// matrix browser) with row and column totals, ordered by codebook, name,
// total or similarity (the API's clustered orders), zoomable for hundreds
// of columns. A cell lists MatrixCell.sentences; a row the code's.

import { PAGE_FIELDS } from '../lib/api.js';
import { h, control, fmt, LEVELS } from '../lib/ui.js';
import { SEQUENTIAL } from '../lib/palette.js';
import { frame, figure, short } from '../lib/view.js';
import { codeSentences, escape } from './codebook.js';

export const DIMENSIONS = [['CITY', 'City'], ['PROVINCE', 'Province'], ['YEAR', 'Year'], ['DOCUMENT', 'Document'], ['DOC_TYPE', 'Document type']];
export const MEASURES = [['REFERENCE_POINTS', 'Reference points'], ['MATERIAL_SOURCES', 'Material sources'], ['SHARE', 'Share of the column'], ['PER_1000_SENTENCES', 'Per 1,000 sentences'], ['PRESENCE', 'Presence']];

function query(withOrders) {
  return `query Matrix($rows: Level!, $columns: Dimension!, $measure: Measure, $filter: CorpusFilter) {
  matrix(rows: $rows, columns: $columns, measure: $measure, filter: $filter) {
    rows { id number name nameZh level path { id } }
    columns
    cells
    rowTotals
    columnTotals${withOrders ? '\n    rowOrder\n    columnOrder' : ''}
  }
}`;
}

const CELL = `query MatrixCell($rows: Level!, $columns: Dimension!, $measure: Measure, $filter: CorpusFilter,
  $row: ID!, $column: String!, $first: Int, $after: String) {
  matrix(rows: $rows, columns: $columns, measure: $measure, filter: $filter) {
    cell(row: $row, column: $column) {
      value
      sentences(first: $first, after: $after) { ${PAGE_FIELDS} }
    }
  }
}`;

function order(kind, n, name, total, clustered) {
  const idx = [...Array(n).keys()];
  if (kind === 'name') idx.sort((a, b) => name(a).localeCompare(name(b)));
  else if (kind === 'total') idx.sort((a, b) => total(b) - total(a) || a - b);
  else if (kind === 'similarity' && clustered) return clustered;
  return idx;
}

export default {
  title: 'Matrix',
  async show(el, ctx, stale) {
    const p = ctx.params;
    const args = { rows: p.rows || 'MAIN_CATEGORY', columns: p.columns || 'CITY', measure: p.measure || 'REFERENCE_POINTS' };
    const rorder = p.rorder || 'codebook';
    const corder = p.corder || 'name';
    const withOrders = rorder === 'similarity' || corder === 'similarity';
    const variables = { ...args, filter: ctx.filter };
    const q = query(withOrders);
    const { matrix: m } = await ctx.gql(q, variables);
    if (stale()) return;
    this.args = args;
    this.m = m;
    const cityZh = new Map(ctx.meta.cities.map((c) => [c.name, c.nameZh]));
    const colName = (c) => (args.columns === 'CITY' && ctx.lang === 'zh' && cityZh.get(c)) || c;
    this.colName = colName;
    const ri = order(rorder, m.rows.length, (i) => ctx.name(m.rows[i]), (i) => m.rowTotals[i], m.rowOrder);
    const ci = order(corder, m.columns.length, (j) => colName(m.columns[j]), (j) => m.columnTotals[j], m.columnOrder);
    const { body, tables } = frame(el, {
      title: 'Matrix',
      subtitle: `${LEVELS.find((l) => l[0] === args.rows)[1]} × ${DIMENSIONS.find((d) => d[0] === args.columns)[1].toLowerCase()}: ${MEASURES.find((x) => x[0] === args.measure)[1].toLowerCase()}. Click a cell for its sentences.`,
      name: 'matrix',
      controls: [
        control('Rows', args.rows, LEVELS, (v) => ctx.set({ rows: v, sel: '' })),
        control('Columns', args.columns, DIMENSIONS, (v) => ctx.set({ columns: v, sel: '' })),
        control('Measure', args.measure, MEASURES, (v) => ctx.set({ measure: v })),
        control('Order rows', rorder, [['codebook', 'Codebook'], ['name', 'Name'], ['total', 'Total'], ['similarity', 'Similarity']], (v) => ctx.set({ rorder: v }, { replace: true })),
        control('Order columns', corder, [['name', 'Name'], ['total', 'Total'], ['similarity', 'Similarity']], (v) => ctx.set({ corder: v }, { replace: true })),
      ],
      graphql: { query: q, variables },
      exports: [{ table: 'matrix', params: { rows: args.rows, columns: args.columns, measure: args.measure }, filter: ctx.exportFilter }],
    });
    const nr = ri.length;
    const nc = ci.length;
    const data = [];
    let max = 0;
    for (let y = 0; y < nr; y++) {
      for (let x = 0; x < nc; x++) {
        const v = m.cells[ri[y]][ci[x]];
        if (v > max) max = v;
        data.push([x, y, v]);
      }
    }
    const xLabels = ci.map((j) => colName(m.columns[j]));
    const yLabels = ri.map((i) => ctx.name(m.rows[i]));
    const zoomX = nc > 40;
    const zoomY = nr > 30;
    const height = Math.min(760, Math.max(360, Math.min(nr, 30) * 22 + 190));
    const draw = figure(body, { name: `matrix-${args.rows}-${args.columns}-${args.measure}`.toLowerCase(), height, caption: 'Heatmap' });
    draw({
      grid: { left: 190, right: zoomY ? 140 : 110, top: 16, bottom: zoomX ? 150 : 110 },
      tooltip: {
        formatter: (x) => {
          const [cx, cy, v] = x.data;
          return `<b>${escape(yLabels[cy])}</b> × <b>${escape(xLabels[cx])}</b><br>${fmt(v, args.measure)}` +
            `<br>row total ${fmt(m.rowTotals[ri[cy]], args.measure)} · column total ${fmt(m.columnTotals[ci[cx]], args.measure)}`;
        },
      },
      xAxis: { type: 'category', data: xLabels, axisLabel: { rotate: 50, interval: 0, fontSize: 10, formatter: (s) => short(s, 14) }, splitArea: { show: false } },
      yAxis: { type: 'category', data: yLabels, inverse: true, axisLabel: { fontSize: 10, interval: 0, formatter: (s) => short(s, 26) } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: 'vertical', right: zoomY ? 40 : 10, top: 'middle', itemHeight: 160, inRange: { color: SEQUENTIAL }, formatter: (v) => fmt(v, args.measure === 'SHARE' ? 'SHARE' : v >= 10 ? Math.round(v) : v) },
      dataZoom: [
        ...(zoomX ? [{ type: 'slider', xAxisIndex: 0, startValue: 0, endValue: 39, bottom: 8, height: 18, filterMode: 'filter' }, { type: 'inside', xAxisIndex: 0, filterMode: 'filter' }] : []),
        ...(zoomY ? [{ type: 'slider', yAxisIndex: 0, startValue: 0, endValue: 29, right: 8, width: 18, filterMode: 'filter' }] : []),
      ],
      series: [{
        type: 'heatmap', data, progressive: 0,
        label: { show: nr * Math.min(nc, 40) <= 480, fontSize: 9, formatter: (x) => (x.data[2] ? fmt(x.data[2], args.measure === 'SHARE' ? 'SHARE' : undefined) : '') },
        emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
      }],
    }, { onClick: (x) => ctx.select(`${m.rows[ri[x.data[1]]].id}|${m.columns[ci[x.data[0]]]}`) });

    // The table: every cell, with the totals; a row (Enter) lists the
    // code's sentences, a cell (click) the cell's. Past 60 columns it
    // starts with the first 60 (in the chosen order) and a button shows
    // the rest: building every cell of 300 columns costs a second.
    const wrap = h('div', { class: 'table-wrap wide' });
    const drawTable = (cols) => {
      const head = h('tr', null, h('th', { scope: 'col' }, 'Code'), h('th', { class: 'num', scope: 'col' }, 'Row total'),
        cols.map((j) => h('th', { class: 'num', scope: 'col', title: m.columns[j] }, colName(m.columns[j]))));
      const frag = document.createDocumentFragment();
      for (const i of ri) {
        const code = m.rows[i];
        const tr = h('tr', { tabindex: '0', 'data-row': code.id, title: 'Enter: the code\'s sentences; click a cell: the cell\'s' },
          h('th', { scope: 'row' }, ctx.name(code)), h('td', { class: 'num total' }, fmt(m.rowTotals[i], args.measure)));
        for (const j of cols) tr.append(h('td', { class: 'num cell', 'data-col': m.columns[j] }, fmt(m.cells[i][j], args.measure)));
        frag.append(tr);
      }
      const totals = h('tr', { class: 'totals' }, h('th', { scope: 'row' }, 'Column total'), h('td'), cols.map((j) => h('td', { class: 'num' }, fmt(m.columnTotals[j], args.measure))));
      wrap.replaceChildren(h('table', { class: 'data matrix' }, h('thead', null, head), h('tbody', null, frag, totals)));
    };
    const cap = 60;
    drawTable(ci.slice(0, cap));
    wrap.addEventListener('click', (e) => {
      const td = e.target.closest('td.cell');
      const tr = e.target.closest('tr[data-row]');
      if (td && tr) ctx.select(`${tr.dataset.row}|${td.dataset.col}`);
      else if (tr) ctx.select(tr.dataset.row);
    });
    wrap.addEventListener('keydown', (e) => {
      const tr = e.target.closest('tr[data-row]');
      if (e.key === 'Enter' && tr) { e.preventDefault(); ctx.select(tr.dataset.row); }
    });
    tables.append(wrap);
    if (ci.length > cap) {
      const more = h('button', { type: 'button', class: 'more' }, `Show all ${ci.length} columns (the first ${cap} are shown)`);
      more.addEventListener('click', () => { drawTable(ci); more.remove(); });
      tables.append(more);
    }
  },
  select(sel, ctx) {
    const [row, column] = sel.split('|');
    const code = this.m && this.m.rows.find((r) => r.id === row);
    const label = code ? ctx.name(code) : row;
    if (column === undefined) return codeSentences(ctx, row, ctx.filter, `${label} — every column`);
    return ctx.openSentences({
      title: `${label} × ${this.colName ? this.colName(column) : column}`,
      note: 'The sentences behind the cell (MatrixCell.sentences).',
      query: CELL,
      variables: { ...this.args, filter: ctx.filter, row, column, first: 50 },
      pick: (d) => d.matrix.cell && d.matrix.cell.sentences,
    });
  },
};
