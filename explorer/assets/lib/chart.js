// ECharts, vendored, with its SVG renderer: the figure is in the DOM and
// downloads as vector graphics. Charts are disposed of when a view changes.

import * as echarts from '../vendor/echarts.esm.min.js';

const live = new Set();

// chart draws an option into an element and returns the chart. Clicks on
// a mark call onClick(params) (ECharts' event parameters).
export function chart(el, option, { onClick } = {}) {
  const c = echarts.init(el, null, { renderer: 'svg' });
  c.setOption({ animation: false, textStyle: { fontFamily: "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" }, ...option });
  if (onClick) c.on('click', onClick);
  live.add(c);
  return c;
}

export function disposeAll() {
  for (const c of live) c.dispose();
  live.clear();
}

export function resizeAll() {
  for (const c of live) c.resize();
}

export { echarts };
