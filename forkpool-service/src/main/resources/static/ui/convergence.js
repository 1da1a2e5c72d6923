// The job page's Convergence region: the estimate so far with its 95% interval against the samples
// it covers, drawn live from the partial results of the job's progress events, and, for a result
// with a histogram, its bars filling towards their projected final heights. It reads the result's
// fields, never a kind's name: an interval is a `ci95` [lo, hi] around the first number inside it,
// or a field `x` beside `xStdError`; a field `exact` is the true value; `counts` (numbers) or
// `bins` ({count}) are a histogram. A kind whose result has none of these shows the target only.
import { h, s, count } from './dom.js';

const W = 640, H = 260, L = 64, R = 16, T = 16, B = 40;
const Z95 = 1.959963984540054;

export function convergencePanel() {
  const summary = h('p', { class: 'convergence-summary', 'aria-live': 'polite' });
  const chart = h('div', { class: 'convergence-chart' });
  const section = h('section', { class: 'panel convergence', id: 'convergence', 'aria-labelledby': 'h-convergence', hidden: true },
    h('h2', { id: 'h-convergence', text: 'Convergence' }), summary, chart);
  const points = []; // {samples, value, lo, hi}
  let exact = null;
  let barsTop = 0;

  /** A job (GET or the final event) or a progress event: {status, partialResult, convergence, result}. */
  function update(j) {
    const partial = j.partialResult ?? null;
    const result = j.result ?? partial?.result ?? null;
    const samples = j.result ? (j.convergence?.samplesUsed ?? samplesOf(j.result)) : partial?.samples;
    if (!result && !j.convergence) return;
    section.hidden = false;
    summary.textContent = describe(j, samples);
    if (!result) return;
    const estimate = interval(result);
    if (estimate) {
      if (typeof result.exact === 'number') exact = result.exact;
      if (samples && (!points.length || points.at(-1).samples < samples)) points.push({ samples, ...estimate });
      else if (samples && points.at(-1).samples === samples) points[points.length - 1] = { samples, ...estimate };
      chart.replaceChildren(seriesChart(points, exact));
      return;
    }
    const bars = histogram(result);
    if (bars) {
      const total = j.progress?.shardsTotal ?? j.shardsTotal;
      const shards = partial?.shards;
      const max = Math.max(1, ...bars.map((b) => b.count));
      // Bars fill towards their final heights: the axis is the projected final top, kept as it grows.
      const projected = !j.result && total && shards ? (max * total) / shards : max;
      barsTop = Math.max(barsTop, projected);
      if (j.result) barsTop = max;
      chart.replaceChildren(barChart(bars, barsTop));
    }
  }

  return { section, update };
}

function samplesOf(result) {
  return typeof result.samples === 'number' ? result.samples : undefined;
}

function describe(j, samples) {
  const c = j.convergence;
  const covered = samples ? `${count(samples)} samples` : 'no samples merged yet';
  if (!c) return j.result ? `Final: ${covered}.` : `So far: ${covered}${j.partialResult ? ` in ${j.partialResult.shards} shards` : ''}.`;
  const target = `${c.field} ≤ ${fmt(c.target)}`;
  const now = c.value === null || c.value === undefined ? '' : ` (${c.field} ${fmt(c.value)})`;
  if (c.stoppedOn === 'target') return `Stopped on its target ${target} after ${covered}${now}.`;
  if (c.stoppedOn === 'cap') return `Reached the cap without meeting ${target}: ${covered}${now}.`;
  if (j.status === 'CANCELLED') return `Cancelled before its target ${target}: ${covered}${now}.`;
  return `Running until ${target}: ${covered}${now}${c.met ? ', met' : ''}.`;
}

function fmt(x) {
  if (typeof x !== 'number') return String(x);
  const r = Number(x.toPrecision(3));
  return r !== 0 && Math.abs(r) < 1e-3 ? r.toExponential() : String(r);
}

/** The result's estimate and its 95% interval, or null. */
function interval(result) {
  const numbers = Object.entries(result).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
  if (Array.isArray(result.ci95) && result.ci95.length === 2) {
    const [lo, hi] = result.ci95;
    const inside = numbers.find(([k, v]) => k !== 'exact' && v >= lo && v <= hi);
    if (inside) return { field: inside[0], value: inside[1], lo, hi };
  }
  for (const [k, v] of numbers) {
    const se = result[`${k}StdError`];
    if (typeof se === 'number' && Number.isFinite(se)) return { field: k, value: v, lo: v - Z95 * se, hi: v + Z95 * se };
  }
  return null;
}

/** The result's histogram as [{label, count}], or null. */
function histogram(result) {
  if (Array.isArray(result.counts) && result.counts.every((c) => typeof c === 'number')) {
    return result.counts.map((c, i) => ({ label: String(i + 1), count: c }));
  }
  if (Array.isArray(result.bins) && result.bins.every((b) => typeof b?.count === 'number')) {
    return result.bins.map((b) => ({ label: typeof b.from === 'number' ? b.from.toFixed(1) : '', count: b.count }));
  }
  return null;
}

/** The estimate (line), its interval (band) and the true value (dashed), against log10 samples. */
function seriesChart(points, exact) {
  const xs = points.map((p) => Math.log10(p.samples));
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (x1 - x0 < 0.5) { x0 -= 0.25; x1 += 0.25; }
  const ys = points.flatMap((p) => [p.lo, p.hi]).concat(exact === null ? [] : [exact]).filter(Number.isFinite);
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (!(y1 > y0)) { y0 -= 1e-9 + Math.abs(y0) * 1e-6; y1 += 1e-9 + Math.abs(y1) * 1e-6; }
  const pad = (y1 - y0) * 0.08;
  y0 -= pad; y1 += pad;
  const X = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const Y = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  const band = points.map((p) => `${X(Math.log10(p.samples)).toFixed(1)},${Y(p.hi).toFixed(1)}`)
    .concat(points.slice().reverse().map((p) => `${X(Math.log10(p.samples)).toFixed(1)},${Y(p.lo).toFixed(1)}`)).join(' ');
  const line = points.map((p) => `${X(Math.log10(p.samples)).toFixed(1)},${Y(p.value).toFixed(1)}`).join(' ');
  const last = points.at(-1);
  const ticks = [0, 0.5, 1].map((f) => y0 + f * (y1 - y0));
  const xticks = [];
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) xticks.push(e);
  return s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'convergence-series',
    'aria-label': `${last.field} ${last.value} with 95% interval [${last.lo}, ${last.hi}] after ${last.samples} samples` },
  s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'frame' }),
  ticks.map((t) => [s('line', { x1: L, x2: W - R, y1: Y(t), y2: Y(t), class: 'grid' }),
    s('text', { x: L - 6, y: Y(t) + 4, 'text-anchor': 'end', class: 'tick', text: t.toPrecision(6) })]),
  xticks.map((e) => s('text', { x: X(e), y: H - B + 16, 'text-anchor': 'middle', class: 'tick', text: `10^${e}` })),
  s('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-title', text: 'samples (log scale)' }),
  points.length > 1 ? s('polygon', { points: band, class: 'band' }) : null,
  s('line', { x1: X(Math.log10(last.samples)), x2: X(Math.log10(last.samples)), y1: Y(last.lo), y2: Y(last.hi), class: 'whisker' }),
  exact === null ? null : [s('line', { x1: L, x2: W - R, y1: Y(exact), y2: Y(exact), class: 'exact' }),
    s('text', { x: W - R - 4, y: Y(exact) - 5, 'text-anchor': 'end', class: 'exact-label', text: `exact ${exact.toPrecision(8)}` })],
  points.length > 1 ? s('polyline', { points: line, class: 'estimate' }) : null,
  s('circle', { cx: X(Math.log10(last.samples)), cy: Y(last.value), r: 3.5, class: 'estimate-point' }),
  s('text', { x: L + 6, y: T + 14, class: 'legend', text: `${last.field} ${last.value.toPrecision(8)} · 95% [${last.lo.toPrecision(6)}, ${last.hi.toPrecision(6)}]` }));
}

/** Bars against a fixed top (the projected final), so they fill as shards merge. */
function barChart(bars, top) {
  const n = bars.length;
  const width = (W - L - R) / n;
  const Y = (y) => T + (1 - y / top) * (H - T - B);
  const every = Math.max(1, Math.ceil(n / 20));
  return s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'convergence-bars',
    'aria-label': `histogram of ${n} bars, ${bars.reduce((a, b) => a + b.count, 0)} counted so far` },
  s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'frame' }),
  [0, 0.5, 1].map((f) => s('text', { x: L - 6, y: Y(f * top) + 4, 'text-anchor': 'end', class: 'tick', text: count(f * top) })),
  bars.map((b, i) => s('rect', { x: L + i * width + 1, y: Y(b.count), width: Math.max(1, width - 2), height: Math.max(0, Y(0) - Y(b.count)), class: 'bar' },
    s('title', { text: `${b.label}: ${b.count}` }))),
  bars.map((b, i) => (i % every === 0 ? s('text', { x: L + (i + 0.5) * width, y: H - B + 16, 'text-anchor': 'middle', class: 'tick', text: b.label }) : null)),
  s('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-title', text: 'bars fill towards their projected final height' }));
}
