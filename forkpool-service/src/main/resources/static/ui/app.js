// The dashboard's entry: a small router over the History API. "/" is the home page (Overview, Jobs,
// New job, Workers), "/jobs/{id}" a job's page; the service answers both paths with this page, so
// links survive a reload. Each view gets an AbortSignal that stops its polling and streams when it goes.
import { api, forgetKey, updateForgetButton } from './api.js';
import { h } from './dom.js';
import { jobsPanel } from './jobs.js';
import { newJobPanel } from './form.js';
import { workersPanel } from './workers.js';
import { jobPage } from './job.js';

const main = document.getElementById('main');
let current = null;

export function navigate(url) {
  history.pushState(null, '', url);
  route();
}

function route() {
  current?.abort();
  current = new AbortController();
  const { signal } = current;
  window.scrollTo(0, 0);
  const job = location.pathname.match(/^\/jobs\/([^/]+)$/);
  if (job) {
    jobPage(main, decodeURIComponent(job[1]), signal);
  } else {
    document.title = 'forkpool';
    home(signal);
  }
}

function home(signal) {
  const kinds = api('/api/v1/kinds', { signal });
  const jobs = jobsPanel(signal, kinds);
  const overviewSlot = h('div');
  // The overview (and its charting library) is loaded with the home page only: a job's page opens faster.
  import('./overview.js').then(({ overview }) => { if (!signal.aborted) overviewSlot.replaceWith(overview(signal)); });
  main.replaceChildren(
    overviewSlot,
    h('div', { class: 'columns home' }, jobs.section, newJobPanel(signal, kinds, () => jobs.refresh())),
    workersPanel(signal));
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-nav]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', route);
document.getElementById('forget-key').addEventListener('click', () => {
  forgetKey();
  route();
});
updateForgetButton();
route();
