// The Workers panel: every worker process of this replica (and the warm spares) from GET /api/v1/workers.
import { api } from './api.js';
import { h, link, jobHref, count, seconds, bytes, every } from './dom.js';

export function workersPanel(signal) {
  const body = h('tbody');
  const section = h('section', { class: 'panel workers', 'aria-labelledby': 'h-workers' },
    h('h2', { id: 'h-workers', text: 'Workers' }),
    h('table', {},
      h('thead', {}, h('tr', {}, ['Worker', 'PID', 'State', 'Shards done', 'Restarts', 'Uptime', 'CPU', 'Memory']
        .map((c) => h('th', { scope: 'col', text: c })))),
      body));
  every(2000, async () => {
    const workers = await api('/api/v1/workers?spares=true', { signal });
    body.replaceChildren(...workers.map((w) => h('tr', { 'data-pid': w.pid },
      h('td', { text: w.state === 'spare' ? 'spare' : `#${w.id}` }),
      h('td', { class: 'num', text: w.pid }),
      h('td', {}, state(w)),
      h('td', { class: 'num', text: count(w.shardsCompleted) }),
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
