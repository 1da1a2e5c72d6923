// The Workers panel: every worker process (and the warm spares) from GET /api/v1/workers; in the redis
// backend those of every live replica, with a Replica column, grouped by replica (the server's order).
import { api } from './api.js';
import { h, link, jobHref, count, seconds, bytes, every } from './dom.js';

export function workersPanel(signal) {
  const body = h('tbody');
  const head = h('tr');
  const section = h('section', { class: 'panel workers', 'aria-labelledby': 'h-workers' },
    h('h2', { id: 'h-workers', text: 'Workers' }),
    h('table', {}, h('thead', {}, head), body));
  let columns = null;
  every(2000, async () => {
    const workers = await api('/api/v1/workers?spares=true&allReplicas=true', { signal });
    const replicas = workers.some((w) => w.replica);
    const names = ['Worker', ...(replicas ? ['Replica'] : []), 'PID', 'State', 'Shards done', 'Speed', 'Restarts',
      'Uptime', 'CPU', 'Memory'];
    if (columns !== names.join()) {
      columns = names.join();
      head.replaceChildren(...names.map((c) => h('th', { scope: 'col', text: c })));
    }
    body.replaceChildren(...workers.map((w, i) => h('tr', {
      'data-pid': w.pid,
      'data-replica': replicas ? w.replica ?? '' : null,
      // a line where the next replica's rows begin (the server lists them grouped by replica)
      class: replicas && i > 0 && workers[i - 1].replica !== w.replica ? 'replica-start' : null,
    },
      h('td', { text: w.state === 'spare' ? 'spare' : `#${w.id}` }),
      ...(replicas ? [h('td', { class: 'replica', text: w.replica ?? '', title: w.replica ?? '' })] : []),
      h('td', { class: 'num', text: w.pid }),
      h('td', {}, state(w)),
      h('td', { class: 'num', text: count(w.shardsCompleted) }),
      h('td', {
        class: w.relativeSpeed != null && w.relativeSpeed < 0.9 ? 'num slow' : 'num',
        text: w.relativeSpeed == null ? '' : `${w.relativeSpeed.toFixed(2)}×`,
        title: 'last shard\'s compute rate over the other workers\' median on the same work',
      }),
      h('td', { class: 'num', text: w.restarts }),
      h('td', { class: 'num', text: seconds(w.uptimeSeconds) }),
      h('td', { class: 'num', text: seconds(w.cpuSeconds) }),
      h('td', { class: 'num', text: bytes(w.rssBytes) }))));
  }, signal);
  return section;
}

function state(w) {
  const label = { starting: 'warming up', dead: 'restarting' }[w.state] ?? w.state;
  const badge = h('span', { class: `state ${w.state}`, text: label });
  if (w.state === 'busy' && w.job) {
    return [badge, ' ', link(jobHref(w.job), `${w.job.slice(0, 8)}…`), ` shard ${w.shard}`];
  }
  return badge;
}
