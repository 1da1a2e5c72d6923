// The dashboard's entry: the home page (Overview, Jobs, New job, Workers) and the pages, routed by
// router.js; a job's page (/jobs/{id}) registers itself there.
import { api, forgetKey, updateForgetButton } from './api.js';
import { h } from './dom.js';
import { jobsPanel } from './jobs.js';
import { newJobPanel } from './form.js';
import { workersPanel } from './workers.js';
import { homePage, route, start } from './router.js';
import './job.js';

homePage((main, signal) => {
  document.title = 'forkpool';
  const kinds = api('/api/v1/kinds', { signal });
  const jobs = jobsPanel(signal, kinds);
  const overviewSlot = h('div');
  // The overview (and its charting library) is loaded with the home page only: a job's page opens faster.
  import('./overview.js').then(({ overview }) => { if (!signal.aborted) overviewSlot.replaceWith(overview(signal)); });
  main.replaceChildren(
    overviewSlot,
    h('div', { class: 'columns home' }, jobs.section, newJobPanel(signal, kinds, () => jobs.refresh())),
    workersPanel(signal));
});

document.getElementById('forget-key').addEventListener('click', () => {
  forgetKey();
  route();
});
updateForgetButton();
start(document.getElementById('main'));
