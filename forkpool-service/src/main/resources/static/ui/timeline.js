// The shard timeline of a job (GET /api/v1/jobs/{id}/shards): one row per worker process, each try of
// a shard a bar from its start to its end, failed tries and retries marked; for a summarised job (too
// many tries to draw one by one) each row shows how busy that process was in each time bucket.
import { h, s, count, seconds } from './dom.js';

const WIDTH = 1000;
const LABEL = 170;
const LABEL_WITH_REPLICA = 330; // the redis backend: each row names its replica in full
const ROW = 26;
const AXIS = 26;

export function timeline(view) {
  // rows in slot order; a slot's replaced process comes after its predecessor
  const lanes = (view.workers ?? []).map((l, i) => ({ ...l, seen: i }))
    .sort((a, b) => (a.replica ?? '').localeCompare(b.replica ?? '') || a.worker - b.worker || a.seen - b.seen);
  if (!lanes.length) {
    return h('p', { class: 'muted', text: view.startedAt ? 'No shard has ended yet.' : 'Not started yet.' });
  }
  const key = (replica, pid) => `${replica ?? ''}/${pid}`;
  const row = new Map(lanes.map((l, i) => [key(l.replica, l.pid), i]));
  const t0 = Date.parse(view.bucketsFrom ?? view.startedAt ?? firstStart(view));
  const t1 = Math.max(t0 + 1, Date.parse(view.finishedAt ?? '') || lastEnd(view, t0));
  const label = lanes.some((l) => l.replica) ? LABEL_WITH_REPLICA : LABEL;
  const plot = WIDTH - label - 10;
  const x = (t) => label + ((t - t0) / (t1 - t0)) * plot;
  const height = lanes.length * ROW + AXIS;

  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'timeline', role: 'img',
    'aria-label': `${count(view.attempts)} tries on ${lanes.length} worker processes over ${seconds((t1 - t0) / 1000)}` });
  lanes.forEach((lane, i) => {
    const g = s('g', { class: 'lane', 'data-lane': key(lane.replica, lane.pid), transform: `translate(0 ${i * ROW})` },
      s('rect', { class: 'lane-bg', x: label, y: 2, width: plot, height: ROW - 4 }),
      s('text', { class: 'lane-label', x: 4, y: ROW / 2 + 4 },
        `${lane.replica ? `${lane.replica} · ` : ''}worker #${lane.worker} · pid ${lane.pid}`));
    if (view.summarised) {
      const width = (view.bucketSeconds * 1000 / (t1 - t0)) * plot;
      lane.busy.forEach((busy, b) => {
        if (busy <= 0) return;
        const start = t0 + b * view.bucketSeconds * 1000;
        g.append(s('rect', { class: 'bucket', x: x(start), y: 4, width: Math.max(0.5, width) + 0.4, height: ROW - 8, 'fill-opacity': busy.toFixed(3) },
          s('title', { text: `${Math.round(busy * 100)}% busy from +${seconds((start - t0) / 1000)}` })));
      });
    }
    svg.append(g);
  });
  const attempts = view.summarised ? view.failures : view.shards.flatMap((sh) => sh.attempts);
  for (const a of attempts) {
    const i = row.get(key(a.replica, a.pid));
    if (i === undefined) continue;
    const start = Date.parse(a.start);
    const end = Date.parse(a.end);
    const cls = a.outcome === 'done' ? (a.attempt > 0 ? 'try retry' : 'try done') : 'try failed';
    svg.append(s('rect', { class: cls, 'data-shard': a.shard, x: x(start), y: i * ROW + 5, width: Math.max(1, x(end) - x(start)), height: ROW - 10 },
      s('title', { text: `shard ${a.shard}, try ${a.attempt + 1}: ${a.outcome}, ${seconds((end - start) / 1000)} on worker #${a.worker} (pid ${a.pid})` })));
  }
  svg.append(axis(t0, t1, x, lanes.length * ROW));

  const parallel = view.parallelism === null || view.parallelism === undefined ? '–' : `${view.parallelism.toFixed(2)}×`;
  const failed = lanes.reduce((n, l) => n + l.failed, 0);
  return h('div', { class: 'timeline-wrap' },
    h('p', { class: 'parallelism' },
      h('strong', { text: `Effective parallelism ${parallel}` }),
      ` (compute ${seconds(view.computeSeconds)} over run ${seconds(view.runSeconds)}) on ${lanes.length} worker process${lanes.length === 1 ? '' : 'es'}; `
        + `${count(view.attempts)} tries, ${count(failed)} failed`
        + (view.summarised ? `; summarised in buckets of ${seconds(view.bucketSeconds)}` : '')),
    svg,
    h('p', { class: 'legend' },
      h('span', { class: 'key done' }), 'shard done ', h('span', { class: 'key retry' }), 'done on a retry ',
      h('span', { class: 'key failed' }), 'failed try (crash, timeout, error)',
      view.summarised ? [' ', h('span', { class: 'key bucket' }), 'share of time busy'] : null),
    h('table', { class: 'lanes' },
      h('thead', {}, h('tr', {}, ['Worker', 'PID', 'Tries', 'Failed', 'Busy'].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, lanes.map((l) => h('tr', {},
        h('td', { text: `#${l.worker}${l.replica ? ` (${l.replica})` : ''}` }), h('td', { class: 'num', text: l.pid }),
        h('td', { class: 'num', text: count(l.attempts) }), h('td', { class: 'num', text: count(l.failed) }),
        h('td', { class: 'num', text: seconds(l.busySeconds) }))))));
}

function firstStart(view) {
  const starts = view.shards.flatMap((sh) => sh.attempts.map((a) => Date.parse(a.start)));
  return new Date(Math.min(...starts)).toISOString();
}

function lastEnd(view, t0) {
  const ends = view.summarised
    ? [t0 + (view.workers[0]?.busy.length ?? 0) * view.bucketSeconds * 1000 * lastBusy(view)]
    : view.shards.flatMap((sh) => sh.attempts.map((a) => Date.parse(a.end)));
  return Math.max(t0 + 1, ...ends);
}

/** The fraction of a summary's buckets up to the last one with any work. */
function lastBusy(view) {
  let last = 0;
  for (const lane of view.workers) lane.busy.forEach((b, i) => { if (b > 0) last = Math.max(last, i + 1); });
  return last / (view.workers[0]?.busy.length || 1);
}

function axis(t0, t1, x, y) {
  const span = (t1 - t0) / 1000;
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const step = steps.find((st) => span / st <= 8) ?? 7200;
  const g = s('g', { class: 'axis' }, s('line', { x1: x(t0), x2: x(t1), y1: y + 2, y2: y + 2 }));
  for (let t = 0; t <= span + 1e-9; t += step) {
    const px = x(t0 + t * 1000);
    g.append(s('line', { x1: px, x2: px, y1: y + 2, y2: y + 6 }), s('text', { x: px, y: y + 18, 'text-anchor': 'middle' }, `+${seconds(t)}`));
  }
  return g;
}
