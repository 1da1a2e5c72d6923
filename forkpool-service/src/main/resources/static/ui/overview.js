// The Overview panel: jobs by status, worker processes by state, and jobs/s and samples/s over the
// last five minutes as live uPlot charts, all from GET /api/v1/overview (computed by the service).
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';
import { api } from './api.js';
import { h, count, every, STATUSES } from './dom.js';

export function overview(signal) {
  const cards = h('ul', { class: 'cards', 'aria-label': 'Jobs by status' });
  const workers = h('p', { class: 'workers-line' });
  const tenants = h('table', { class: 'tenant-table', hidden: true });
  const jobsChart = h('figure', { class: 'chart' }, h('figcaption', { text: 'Jobs finished per second' }));
  const samplesChart = h('figure', { class: 'chart' }, h('figcaption', { text: 'Samples computed per second' }));
  const section = h('section', { class: 'panel overview', 'aria-labelledby': 'h-overview' },
    h('h2', { id: 'h-overview', text: 'Overview' }),
    cards, workers, tenants, h('div', { class: 'charts' }, jobsChart, samplesChart));

  let charts = null;
  every(2000, async () => {
    const o = await api('/api/v1/overview', { signal });
    cards.replaceChildren(...STATUSES.map((status) => h('li', { class: `card ${status.toLowerCase()}` },
      h('span', { class: 'card-value', text: count(o.jobs[status] ?? 0) }),
      h('span', { class: 'card-label', text: status.toLowerCase() }))));
    const w = o.workers;
    workers.replaceChildren(
      h('strong', { text: 'Worker processes: ' }),
      `${w.busy ?? 0} busy, ${w.idle ?? 0} idle, ${w.starting ?? 0} starting, ${w.dead ?? 0} restarting, `
        + `${w.spare ?? 0} warm spare${o.replicas > 1 ? ` on ${o.replicas} replicas` : ''}; `
        + `${count(o.shardsQueued)} shards queued`);
    // per tenant (its own only, unless an admin): jobs submitted and worker-seconds, since this replica started
    const rows = o.tenants ?? [];
    tenants.hidden = rows.length === 0 || (rows.length === 1 && !o.viewer?.admin);
    tenants.replaceChildren(
      h('caption', { text: 'Per tenant (this replica, since it started)' }),
      h('thead', {}, h('tr', {}, ['Tenant', 'Jobs submitted', 'Worker-seconds'].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, rows.map((t) => h('tr', {},
        h('td', { text: t.tenant }),
        h('td', { class: 'num', text: count(t.jobsSubmitted) }),
        h('td', { class: 'num', text: t.workerSeconds.toFixed(1) })))));
    const r = o.rates;
    const xs = r.jobsPerSecond.map((_, i) => Date.parse(r.from) / 1000 + i * r.stepSeconds);
    if (!charts) {
      charts = [chart(jobsChart, 'jobs/s', xs, r.jobsPerSecond), chart(samplesChart, 'samples/s', xs, r.samplesPerSecond)];
    } else {
      charts[0].setData([xs, r.jobsPerSecond]);
      charts[1].setData([xs, r.samplesPerSecond]);
    }
  }, signal);

  const resize = () => charts?.forEach((c) => c.setSize(size(c.root.parentElement)));
  window.addEventListener('resize', resize);
  signal.addEventListener('abort', () => {
    window.removeEventListener('resize', resize);
    charts?.forEach((c) => c.destroy());
  });
  return section;
}

/** A time axis label: the wall clock, hours to seconds (uPlot's default stacks the date under it). */
function clock(t) {
  return new Date(t * 1000).toLocaleTimeString('en-GB', { hour12: false });
}

/** An axis label: compact for large values, with the decimals small rates need. */
function tick(v) {
  return v >= 1000 || Number.isInteger(v) ? count(v) : String(+v.toFixed(2));
}

function size(figure) {
  return { width: Math.max(240, figure.clientWidth - 8), height: 160 };
}

function chart(figure, label, xs, ys) {
  const opts = {
    ...size(figure),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
    axes: [{ stroke: '#555', space: 70, values: (u, ticks) => ticks.map(clock) }, { stroke: '#555', size: 60, values: (u, vals) => vals.map(tick) }],
    series: [{}, { label, stroke: '#1f6fb2', width: 1.5, fill: 'rgba(31,111,178,0.12)', points: { show: false } }],
  };
  return new uPlot(opts, [xs, ys], figure);
}
