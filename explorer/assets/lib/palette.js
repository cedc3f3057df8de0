// Colour-blind-safe colours, the same in every view: one categorical
// colour per main category (Okabe–Ito's eight, black replaced by grey,
// then three of Paul Tol's muted scheme), by the main category's place in
// the codebook; a sequential scale (viridis) for heatmaps.

export const CATEGORICAL = [
  '#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7',
  '#882255', '#117733', '#332288', '#999933', '#888888',
];

// Viridis at nine stops, dark (low) to light (high).
export const SEQUENTIAL = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

// A diverging-free scale for kappa and similar 0..1 measures uses the same.
export const NEUTRAL = '#9e9e9e';

let mainIndex = new Map();

// setMainCategories fixes the colour order: the main categories' ids in
// codebook order.
export function setMainCategories(ids) {
  mainIndex = new Map(ids.map((id, i) => [id, i]));
}

// mainOf is the id of a code's main category, from its path (layer first).
export function mainOf(code) {
  if (!code) return null;
  if (code.level === 'MAIN_CATEGORY') return code.id;
  if (code.path && code.path.length > 1) return code.path[1].id;
  return null;
}

// colourOf is a code's colour: its main category's, grey for a layer.
export function colourOf(code) {
  const m = typeof code === 'string' ? code : mainOf(code);
  const i = mainIndex.get(m);
  return i === undefined ? NEUTRAL : CATEGORICAL[i % CATEGORICAL.length];
}

// seriesColour is a colour for the i-th of several series (cities).
export function seriesColour(i) {
  return CATEGORICAL[i % CATEGORICAL.length];
}

// ramp maps t in [0, 1] onto the sequential scale.
export function ramp(t) {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (SEQUENTIAL.length - 1);
  const i = Math.min(Math.floor(x), SEQUENTIAL.length - 2);
  const f = x - i;
  const a = hex(SEQUENTIAL[i]);
  const b = hex(SEQUENTIAL[i + 1]);
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

function hex(s) {
  return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));
}

// tint is a colour with an alpha, for backgrounds under text.
export function tint(colour, alpha) {
  const [r, g, b] = hex(colour);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
