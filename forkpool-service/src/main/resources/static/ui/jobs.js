// The Jobs panel: a page of jobs from the server (newest first), filtered by status and type, kept
// live by polling; its filters live in the address (?status=&type=&page=) so a reload keeps them.
import { api, Problem } from './api.js';
import { h, link, jobHref, badge, count, seconds, time, every, STATUSES } from './dom.js';
import { navigate } from './router.js';

const SIZE = 15;

export function jobsPanel(signal, kindsReady) {
  const params = new URLSearchParams(location.search);
  const state = { status: params.get('status') ?? '', type: params.get('type') ?? '', page: Number(params.get('page') ?? 0) || 0 };

  const status = h('select', { id: 'filter-status', onchange: () => set({ status: status.value, page: 0 }) },
    h('option', { value: '', text: 'any status' }), STATUSES.map((s) => h('option', { value: s, text: s.toLowerCase() })));
  status.value = state.status;
  const type = h('select', { id: 'filter-type', onchange: () => set({ type: type.value, page: 0 }) },
    h('option', { value: '', text: 'any type' }));
  kindsReady.then((kinds) => {
    type.append(...kinds.map((k) => h('option', { value: k.name, text: k.name })));
    type.value = state.type;
  }).catch(() => {});

  const findInput = h('input', { id: 'find-id', type: 'search', placeholder: 'job id', autocomplete: 'off',
    'aria-describedby': 'find-error' });
  const findError = h('span', { id: 'find-error', class: 'error', role: 'alert' });
  const find = h('form', { class: 'find', role: 'search', onsubmit: async (e) => {
    e.preventDefault();
    const id = findInput.value.trim();
    if (!id) return;
    findError.textContent = '';
    try {
      const job = await api(`/api/v1/jobs/${encodeURIComponent(id)}`, { signal });
      navigate(jobHref(job.id));
    } catch (err) {
      if (err instanceof Problem) findError.textContent = err.message;
      else throw err;
    }
  } }, h('label', { for: 'find-id', text: 'Find by id' }), findInput, h('button', { type: 'submit', text: 'Open' }), findError);

  const body = h('tbody');
  const head = h('tr');
  // An admin tenant sees every tenant's jobs: then the table names each job's tenant (text, escaped by h).
  let admin = false;
  const columns = () => ['Job', 'Type', ...(admin ? ['Tenant'] : []), 'Status', 'Progress', 'Submitted', 'Run time'];
  const drawHead = () => head.replaceChildren(...columns().map((c) => h('th', { scope: 'col', text: c })));
  drawHead();
  const pager = h('div', { class: 'pager' });
  const section = h('section', { class: 'panel jobs', 'aria-labelledby': 'h-jobs' },
    h('h2', { id: 'h-jobs', text: 'Jobs' }),
    h('div', { class: 'filters' },
      h('label', { for: 'filter-status', text: 'Status' }), status,
      h('label', { for: 'filter-type', text: 'Type' }), type, find),
    h('table', { class: 'job-table' },
      h('thead', {}, head),
      body),
    pager);

  let refreshNow = () => {};
  function set(change) {
    Object.assign(state, change);
    const q = new URLSearchParams();
    if (state.status) q.set('status', state.status);
    if (state.type) q.set('type', state.type);
    if (state.page) q.set('page', state.page);
    history.replaceState(null, '', `/${q.size ? `?${q}` : ''}`);
    refreshNow();
  }

  async function load() {
    const q = new URLSearchParams({ page: state.page, size: SIZE });
    if (state.status) q.set('status', state.status);
    if (state.type) q.set('type', state.type);
    const page = await api(`/api/v1/jobs?${q}`, { signal });
    body.replaceChildren(...page.content.map((job) => row(job, admin)));
    if (!page.content.length) body.append(h('tr', {}, h('td', { colspan: columns().length, class: 'empty', text: 'No jobs.' })));
    pager.replaceChildren(
      h('button', { type: 'button', disabled: state.page <= 0, onclick: () => set({ page: state.page - 1 }), text: '← Newer' }),
      h('span', { text: `page ${page.page + 1} of ${Math.max(1, page.totalPages)} · ${count(page.totalElements)} jobs` }),
      h('button', { type: 'button', disabled: state.page + 1 >= page.totalPages, onclick: () => set({ page: state.page + 1 }), text: 'Older →' }));
  }
  api('/api/v1/overview', { signal }).then((o) => {
    if (o.viewer?.admin && !admin) { admin = true; drawHead(); refreshNow(); }
  }).catch(() => {});
  every(2000, load, signal);
  refreshNow = () => load().catch(() => {});
  return { section, refresh: refreshNow };
}

function row(job, admin) {
  const p = job.progress;
  const pct = p.shardsTotal ? Math.floor((100 * p.shardsDone) / p.shardsTotal) : 0;
  return h('tr', { 'data-job': job.id },
    h('td', {}, link(jobHref(job.id), h('code', { text: job.id.slice(0, 8) }))),
    h('td', { text: job.type }),
    ...(admin ? [h('td', { class: 'tenant', text: job.tenant ?? '' })] : []),
    h('td', {}, badge(job.status)),
    h('td', {}, h('meter', { min: 0, max: 100, value: pct, 'aria-label': `${pct}%` }), ` ${count(p.shardsDone)}/${count(p.shardsTotal)}`),
    h('td', { text: time(job.submittedAt) }),
    h('td', { class: 'num', text: seconds(job.timings?.runSeconds) }));
}
