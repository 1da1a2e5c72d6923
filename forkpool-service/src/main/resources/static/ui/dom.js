// Building the page from data. Every string that comes from the service (a job, an error, a kind's
// description) becomes a text node or an attribute value: nothing here parses data as HTML.

const SVG = 'http://www.w3.org/2000/svg';

/** An element: attrs set as attributes (on* as listeners, text as its text), children appended as nodes or text. */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, the same way. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') el.textContent = String(value);
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A link inside the page: the router handles it without a reload. */
export function link(href, ...children) {
  return h('a', { href, 'data-nav': true }, ...children);
}

export function jobHref(id) {
  return `/jobs/${encodeURIComponent(id)}`;
}

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function count(n) {
  if (n === null || n === undefined) return '–';
  return Math.abs(n) >= 1e6 ? compact.format(n) : integer.format(n);
}

export function seconds(s) {
  if (s === null || s === undefined) return '–';
  if (s === 0) return '0 s';
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(s < 0.01 ? 2 : 0)} ms`;
  if (s < 120) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  if (s < 7200) return `${Math.floor(s / 60)}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function bytes(b) {
  if (b === null || b === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
  return `${b.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

/** A status as a badge; its text is the status itself. */
export function badge(status) {
  return h('span', { class: `badge ${String(status).toLowerCase()}` }, String(status));
}

export const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
export const STATUSES = ['QUEUED', 'RUNNING', ...FINAL];

/**
 * Calls fn now and then every ms after each call ended, until signal aborts. A failing call is shown in
 * the banner and the loop goes on.
 */
export function every(ms, fn, signal) {
  let timer;
  const tick = async () => {
    if (signal.aborted) return;
    try {
      await fn();
    } catch (e) {
      if (!signal.aborted) showError(e);
    }
    if (!signal.aborted) timer = setTimeout(tick, ms);
  };
  signal.addEventListener('abort', () => clearTimeout(timer));
  tick();
}

/** A message in the banner under the header (as text). */
export function showError(e) {
  if (e?.name === 'AbortError') return;
  const banner = document.getElementById('banner');
  banner.textContent = e?.message ?? String(e);
  banner.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { banner.hidden = true; }, 8000);
}
