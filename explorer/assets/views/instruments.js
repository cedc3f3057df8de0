// /explore/instruments?rows=instruments:TYPE&columns=CITY&measure=SHARE:
// Query.crosstab, the X × Y tables of policy-instrument studies. Either
// axis is a level of a coding frame (FRAME:LEVEL, as the /export/ URLs
// name it; codebook:MAIN_CATEGORY for the grounded-theory codebook) or a
// case dimension (CITY, PROVINCE, YEAR, DOCUMENT, DOC_TYPE). It draws the
// heatmap of the cross-tab, each column's mix of the rows as 100 % stacked
// bars (a city's policy mix), and with columns=YEAR the trend of each
// row's share by year. A cell, bar segment or point lists exactly the
// cell's sentences (Crosstab.cell(row, column).sentences); a row of a
// frame its code's.

import { PAGE_FIELDS } from '../lib/api.js';
import { h, control, fmt, LEVELS } from '../lib/ui.js';
import { SEQUENTIAL, colourOf, seriesColour } from '../lib/palette.js';
import { frame, figure, short } from '../lib/view.js';
import { codeSentences, escape } from './codebook.js';
import { DIMENSIONS, MEASURES } from './matrix.js';

const DIMENSION_IDS = new Set(DIMENSIONS.map((d) => d[0]));

// parseAxis reads an axis of the URL: FRAME:LEVEL, a bare codebook level
// or a dimension, as /export/crosstab reads it.
export function parseAxis(s) {
  const v = (s || '').trim();
  const i = v.indexOf(':');
  if (i >= 0) return { frame: v.slice(0, i).trim(), level: v.slice(i + 1).trim() };
  const up = v.toUpperCase();
  if (DIMENSION_IDS.has(up)) return { dimension: up };
  if (LEVELS.some((l) => l[0] === up)) return { frame: 'codebook', level: up };
  return { frame: v, level: '' };
}

// axisKey writes an axis back as the URL (and /export/) names it.
function axisKey(a) {
  return a.dimension ? a.dimension : `${a.frame}:${a.level}`;
}

const QUERY = (mix) => `query Crosstab($rows: Axis!, $columns: Axis!, $measure: Measure, $filter: CorpusFilter) {
  frames { id name nameZh levels { id name nameZh } }
  crosstab(rows: $rows, columns: $columns, measure: $measure, filter: $filter) {
    rows { id name nameZh }
    columns { id name nameZh }
    cells
    rowTotals
    columnTotals
  }${mix ? `
  mix: crosstab(rows: $rows, columns: $columns, measure: SHARE, filter: $filter) { cells }` : ''}
}`;

const FRAMES = 'query Frames { frames { id name nameZh levels { id name nameZh } } }';

const CELL = `query CrosstabCell($rows: Axis!, $columns: Axis!, $measure: Measure, $filter: CorpusFilter,
  $row: String!, $column: String!, $first: Int, $after: String) {
  crosstab(rows: $rows, columns: $columns, measure: $measure, filter: $filter) {
    cell(row: $row, column: $column) {
      value
      sentences(first: $first, after: $after) { ${PAGE_FIELDS} }
    }
  }
}`;

const FRAME_CODE = `query FrameCodeSentences($frame: ID!, $code: ID!, $filter: CorpusFilter, $first: Int, $after: String) {
  frame(id: $frame) {
    code(id: $code) {
      sentences(filter: $filter, first: $first, after: $after) { ${PAGE_FIELDS} }
    }
  }
}`;

// axisOptions: every level of every frame, the codebook's levels, the
// dimensions, as [URL value, label].
function axisOptions(frames, ctx) {
  const out = [];
  for (const f of frames) for (const l of f.levels) out.push([`${f.id}:${l.id}`, `${ctx.name(f)}: ${ctx.name(l)}`]);
  for (const [id, name] of LEVELS) out.push([`codebook:${id}`, `Codebook: ${name}`]);
  for (const [id, name] of DIMENSIONS) out.push([id, name]);
  return out;
}

function axisLabel(key, options) {
  const o = options.find((x) => x[0] === key);
  return o ? o[1] : key;
}

export default {
  title: 'Instruments',
  async show(el, ctx, stale) {
    const p = ctx.params;
    const measure = p.measure || 'SHARE';
    let rowsKey = p.rows || 'instruments:TYPE';
    const columnsKey = p.columns || 'CITY';
    let notice = '';
    const run = async () => {
      const variables = { rows: parseAxis(rowsKey), columns: parseAxis(columnsKey), measure, filter: ctx.filter };
      const q = QUERY(measure !== 'SHARE');
      return { q, variables, data: await ctx.gql(q, variables) };
    };
    let res;
    try {
      res = await run();
    } catch (e) {
      // No rows asked for and no instrument frame: the study's first
      // frame's top level, or the codebook's main categories.
      if (p.rows) throw e;
      const { frames } = await ctx.gql(FRAMES, {});
      if (stale()) return;
      if (frames.some((f) => f.id === 'instruments')) throw e;
      rowsKey = frames.length ? `${frames[0].id}:${frames[0].levels[0].id}` : 'codebook:MAIN_CATEGORY';
      notice = frames.length ? '' : 'This study has no coding frame besides its codebook (add one with policykb frames add): the rows are the codebook\'s main categories.';
      res = await run();
    }
    if (stale()) return;
    const { q, variables, data } = res;
    const t = data.crosstab;
    const mix = (data.mix || data.crosstab).cells;
    const rowAxis = variables.rows;
    const colAxis = variables.columns;
    this.args = { rows: rowAxis, columns: colAxis, measure };
    this.t = t;
    const options = axisOptions(data.frames, ctx);
    const cityZh = new Map(ctx.meta.cities.map((c) => [c.name, c.nameZh]));
    const valueName = (axis) => (v) => (axis.dimension === 'CITY' && ctx.lang === 'zh' && cityZh.get(v.id)) || ctx.name(v);
    const rowName = valueName(rowAxis);
    const colName = valueName(colAxis);
    this.rowName = rowName;
    this.colName = colName;
    const rowColour = (r, i) => (rowAxis.frame === 'codebook' && rowAxis.level === 'MAIN_CATEGORY' ? colourOf(r.id) : seriesColour(i));
    const mName = MEASURES.find((x) => x[0] === measure)[1].toLowerCase();
    const { body, tables } = frame(el, {
      title: 'Policy instruments: X × Y',
      subtitle: `${axisLabel(axisKey(rowAxis), options)} × ${axisLabel(axisKey(colAxis), options).toLowerCase()}: ${mName} (Query.crosstab). ` +
        (notice ? notice + ' ' : '') + 'Click a cell, a bar or a point for its sentences.',
      name: 'instruments',
      controls: [
        control('Rows', axisKey(rowAxis), options, (v) => ctx.set({ rows: v, sel: '' })),
        control('Columns', axisKey(colAxis), options, (v) => ctx.set({ columns: v, sel: '' })),
        control('Measure', measure, MEASURES, (v) => ctx.set({ measure: v })),
      ],
      graphql: { query: q, variables },
      exports: [{ table: 'crosstab', params: { rows: axisKey(rowAxis), columns: axisKey(colAxis), measure }, filter: ctx.exportFilter }],
    });
    const nr = t.rows.length;
    const nc = t.columns.length;
    const xLabels = t.columns.map(colName);
    const yLabels = t.rows.map(rowName);
    const cellSel = (i, j) => `${t.rows[i].id}|${t.columns[j].id}`;
    const kind = measure === 'SHARE' ? 'SHARE' : undefined;

    // The heatmap of the cross-tab.
    const data2 = [];
    let max = 0;
    for (let y = 0; y < nr; y++) {
      for (let x = 0; x < nc; x++) {
        const v = t.cells[y][x];
        if (v > max) max = v;
        data2.push([x, y, v]);
      }
    }
    const zoomX = nc > 40;
    const heat = figure(body, { name: `crosstab-${axisKey(rowAxis)}-${axisKey(colAxis)}-${measure}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '_'), height: Math.min(760, Math.max(300, Math.min(nr, 30) * 26 + 170)), caption: 'Heatmap' });
    heat({
      grid: { left: 190, right: 110, top: 16, bottom: zoomX ? 150 : 110 },
      tooltip: {
        formatter: (x) => {
          const [cx, cy, v] = x.data;
          return `<b>${escape(yLabels[cy])}</b> × <b>${escape(xLabels[cx])}</b><br>${fmt(v, measure)}` +
            `<br>row total ${fmt(t.rowTotals[cy], measure)} · column total ${fmt(t.columnTotals[cx], measure)}`;
        },
      },
      xAxis: { type: 'category', data: xLabels, axisLabel: { rotate: 50, interval: 0, fontSize: 10, formatter: (s) => short(s, 14) } },
      yAxis: { type: 'category', data: yLabels, inverse: true, axisLabel: { fontSize: 10, interval: 0, formatter: (s) => short(s, 26) } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: 'vertical', right: 10, top: 'middle', itemHeight: 160, inRange: { color: SEQUENTIAL }, formatter: (v) => fmt(v, kind || (v >= 10 ? Math.round(v) : v)) },
      dataZoom: zoomX ? [{ type: 'slider', xAxisIndex: 0, startValue: 0, endValue: 39, bottom: 8, height: 18, filterMode: 'filter' }, { type: 'inside', xAxisIndex: 0, filterMode: 'filter' }] : [],
      series: [{
        type: 'heatmap', data: data2, progressive: 0,
        label: { show: nr * Math.min(nc, 40) <= 480, fontSize: 9, formatter: (x) => (x.data[2] ? fmt(x.data[2], kind) : '') },
        emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
      }],
    }, { onClick: (x) => ctx.select(cellSel(x.data[1], x.data[0])) });

    // Each column's mix of the rows: 100 % stacked bars of the SHARE
    // cross-tab (asked in the same request when the measure is another).
    const zoomY = nc > 30;
    const bars = figure(body, { name: `mix-${axisKey(rowAxis)}-${axisKey(colAxis)}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '_'), height: Math.min(760, Math.max(260, Math.min(nc, 30) * 24 + 120)), caption: '100 % stacked mix of each column' });
    bars({
      tooltip: { formatter: (x) => `<b>${escape(x.seriesName)}</b> in ${escape(x.name)}<br>share ${fmt(x.value, 'SHARE')}` },
      legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 10 } },
      grid: { left: 110, right: zoomY ? 40 : 16, top: 10, bottom: 50 },
      xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v) => Math.round(v * 100) + ' %' } },
      yAxis: { type: 'category', data: xLabels, inverse: true, axisLabel: { fontSize: 10, interval: 0, formatter: (s) => short(s, 16) } },
      dataZoom: zoomY ? [{ type: 'slider', yAxisIndex: 0, startValue: 0, endValue: 29, right: 8, width: 16, filterMode: 'filter' }] : [],
      series: t.rows.map((r, i) => ({
        type: 'bar', stack: 'share', name: yLabels[i], barWidth: '60%',
        itemStyle: { color: rowColour(r, i), borderColor: '#fff', borderWidth: 0.5 },
        data: mix[i],
      })),
    }, { onClick: (x) => ctx.select(cellSel(x.seriesIndex, x.dataIndex)) });

    // The trend by year: each row's share of the year.
    if (colAxis.dimension === 'YEAR') {
      const trend = figure(body, { name: `trend-${axisKey(rowAxis)}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '_'), height: 360, caption: 'Trend by year (share of the year)' });
      trend({
        tooltip: { trigger: 'item', formatter: (x) => `<b>${escape(x.seriesName)}</b> in ${escape(x.name)}<br>share ${fmt(x.value, 'SHARE')}` },
        legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 10 } },
        grid: { left: 60, right: 20, top: 16, bottom: 60 },
        xAxis: { type: 'category', data: xLabels },
        yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v) => Math.round(v * 100) + ' %' } },
        series: t.rows.map((r, i) => ({
          type: 'line', name: yLabels[i], data: mix[i], symbolSize: 8,
          lineStyle: { color: rowColour(r, i) }, itemStyle: { color: rowColour(r, i) },
        })),
      }, { onClick: (x) => ctx.select(cellSel(x.seriesIndex, x.dataIndex)) });
    }

    // The table: every cell with the totals; a cell (click) lists its
    // sentences, a row of a frame (Enter) its code's.
    const rowIsCode = !!rowAxis.frame;
    const wrap = h('div', { class: 'table-wrap wide' });
    const cap = 60;
    const drawTable = (cols) => {
      const head = h('tr', null, h('th', { scope: 'col' }, axisLabel(axisKey(rowAxis), options)), h('th', { class: 'num', scope: 'col' }, 'Row total'),
        cols.map((j) => h('th', { class: 'num', scope: 'col', title: t.columns[j].id }, xLabels[j])));
      const frag = document.createDocumentFragment();
      t.rows.forEach((r, i) => {
        const tr = h('tr', { tabindex: '0', 'data-row': r.id, title: rowIsCode ? 'Enter: the code\'s sentences; click a cell: the cell\'s' : 'Click a cell: its sentences' },
          h('th', { scope: 'row' }, h('i', { class: 'swatch', style: { background: rowColour(r, i) } }), yLabels[i]), h('td', { class: 'num total' }, fmt(t.rowTotals[i], measure)));
        for (const j of cols) tr.append(h('td', { class: 'num cell', 'data-col': t.columns[j].id }, fmt(t.cells[i][j], measure)));
        frag.append(tr);
      });
      const totals = h('tr', { class: 'totals' }, h('th', { scope: 'row' }, 'Column total'), h('td'), cols.map((j) => h('td', { class: 'num' }, fmt(t.columnTotals[j], measure))));
      wrap.replaceChildren(h('table', { class: 'data matrix' }, h('thead', null, head), h('tbody', null, frag, totals)));
    };
    const all = [...Array(nc).keys()];
    drawTable(all.slice(0, cap));
    wrap.addEventListener('click', (e) => {
      const td = e.target.closest('td.cell');
      const tr = e.target.closest('tr[data-row]');
      if (td && tr) ctx.select(`${tr.dataset.row}|${td.dataset.col}`);
      else if (tr && rowIsCode) ctx.select(tr.dataset.row);
    });
    wrap.addEventListener('keydown', (e) => {
      const tr = e.target.closest('tr[data-row]');
      if (e.key === 'Enter' && tr && rowIsCode) { e.preventDefault(); ctx.select(tr.dataset.row); }
    });
    tables.append(wrap);
    if (nc > cap) {
      const more = h('button', { type: 'button', class: 'more' }, `Show all ${nc} columns (the first ${cap} are shown)`);
      more.addEventListener('click', () => { drawTable(all); more.remove(); });
      tables.append(more);
    }
  },
  select(sel, ctx) {
    const cut = sel.indexOf('|');
    const row = cut < 0 ? sel : sel.slice(0, cut);
    const column = cut < 0 ? undefined : sel.slice(cut + 1);
    const t = this.t;
    const r = t && t.rows.find((x) => x.id === row);
    const label = r ? this.rowName(r) : row;
    if (column === undefined) {
      const axis = this.args.rows;
      if (!axis.frame) return undefined;
      if (axis.frame === 'codebook') return codeSentences(ctx, row, ctx.filter, `${label} — every column`);
      return ctx.openSentences({
        title: `${label} — every column`,
        note: 'The sentences coded at the code or below it, directly or derived (FrameCode.sentences).',
        query: FRAME_CODE,
        variables: { frame: axis.frame, code: row, filter: ctx.filter, first: 50 },
        pick: (d) => d.frame && d.frame.code && d.frame.code.sentences,
      });
    }
    const c = t && t.columns.find((x) => x.id === column);
    return ctx.openSentences({
      title: `${label} × ${c ? this.colName(c) : column}`,
      note: 'The sentences behind the cell (Crosstab.cell.sentences).',
      query: CELL,
      variables: { ...this.args, filter: ctx.filter, row, column, first: 50 },
      pick: (d) => d.crosstab.cell && d.crosstab.cell.sentences,
    });
  },
};
