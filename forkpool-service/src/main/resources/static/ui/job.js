// A job's page (/jobs/{id}): status and actions, a live progress bar fed by the job's Server-Sent
// Events, its request, timings, result with its plot, and its shard timeline.
import { api, blob, follow, parseJson, toJson, Problem } from './api.js';
import { h, link, jobHref, badge, count, seconds, time, every, showError, FINAL } from './dom.js';
import { timeline } from './timeline.js';
import { convergencePanel } from './convergence.js';
import { navigate, page } from './router.js';

page(/^\/jobs\/([^/]+)$/, (main, [, id], signal) => jobPage(main, decodeURIComponent(id), signal));

export function jobPage(main, id, signal) {
  const heading = h('h1', {}, 'Job ', h('code', { text: id }));
  const status = h('span', { class: 'status' });
  const actions = h('div', { class: 'actions job-actions' });
  const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-label': 'Shards done', 'aria-valuemin': 0,
    'aria-valuemax': 100, 'aria-valuenow': 0 }, h('div', { class: 'bar-fill' }));
  const barText = h('p', { class: 'bar-text' });
  const request = h('pre', { class: 'json' });
  const timings = h('dl', { class: 'timings' });
  const result = h('div', { class: 'result-body' });
  const shards = h('div', { class: 'timeline-body' });
  const convergence = convergencePanel();
  main.replaceChildren(
    h('p', { class: 'back' }, link('/', '← All jobs')),
    h('div', { class: 'job-head' }, heading, status, actions),
    h('section', { class: 'panel', 'aria-labelledby': 'h-progress' }, h('h2', { id: 'h-progress', text: 'Progress' }), bar, barText),
    convergence.section,
    h('div', { class: 'columns' },
      h('section', { class: 'panel', 'aria-labelledby': 'h-request' }, h('h2', { id: 'h-request', text: 'Request' }), request),
      h('section', { class: 'panel', 'aria-labelledby': 'h-timings' }, h('h2', { id: 'h-timings', text: 'Timings' }), timings)),
    h('section', { class: 'panel', 'aria-labelledby': 'h-result' }, h('h2', { id: 'h-result', text: 'Result' }), result),
    h('section', { class: 'panel', 'aria-labelledby': 'h-timeline' }, h('h2', { id: 'h-timeline', text: 'Shard timeline' }), shards));

  let job = null;
  let plotUrl = null;
  signal.addEventListener('abort', () => plotUrl && URL.revokeObjectURL(plotUrl));

  function progress(done, total) {
    const pct = total ? Math.floor((100 * done) / total) : 0;
    bar.setAttribute('aria-valuenow', pct);
    bar.setAttribute('aria-valuetext', `${pct}%: ${done} of ${total} shards`);
    bar.firstChild.style.width = `${pct}%`; // CSSOM, which the Content-Security-Policy allows
    barText.textContent = `${pct}% · ${count(done)} of ${count(total)} shards`;
  }

  function render(j) {
    job = j;
    document.title = `${j.type} ${j.status.toLowerCase()} · forkpool`;
    heading.replaceChildren(`Job ${j.type} `, h('code', { text: j.id }));
    status.replaceChildren(badge(j.status));
    progress(j.progress.shardsDone, j.progress.shardsTotal);
    if (j.convergence?.stoppedOn === 'target') barText.textContent += ' · stopped on its precision target: the rest were not needed';
    const body = { ...j.request };
    if (j.timeoutSeconds !== null && j.timeoutSeconds !== undefined) body.timeoutSeconds = j.timeoutSeconds;
    request.textContent = toJson(body, 2);
    const t = j.timings ?? {};
    timings.replaceChildren(...[
      ['Submitted', time(j.submittedAt)], ['Started', time(j.startedAt)], ['Finished', time(j.finishedAt)],
      ['Queued', seconds(t.queuedSeconds)], ['Run', seconds(t.runSeconds)], ['Compute (all workers)', seconds(t.computeSeconds)],
      ['Effective parallelism', t.runSeconds ? `${(t.computeSeconds / t.runSeconds).toFixed(2)}×` : '–'],
    ].flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
    renderActions(j);
    renderResult(j);
    convergence.update(j);
  }

  function renderActions(j) {
    const buttons = [];
    if (!FINAL.includes(j.status)) {
      buttons.push(h('button', { type: 'button', class: 'danger', text: 'Cancel', onclick: () => act(() => api(`/api/v1/jobs/${encodeURIComponent(j.id)}`, { method: 'DELETE', signal }).then(render)) }));
    } else {
      const again = { ...j.request };
      if (j.timeoutSeconds) again.timeoutSeconds = j.timeoutSeconds;
      const label = j.status === 'FAILED' ? 'Retry' : 'Run again';
      buttons.push(h('button', { type: 'button', text: label, title: 'the same request, the same seed', onclick: () => resubmit(again) }));
      if ('seed' in again) {
        const fresh = { ...again };
        delete fresh.seed;
        buttons.push(h('button', { type: 'button', text: 'Run with a new seed', onclick: () => resubmit(fresh) }));
      }
    }
    actions.replaceChildren(...buttons);
  }

  async function resubmit(body) {
    await act(async () => {
      const created = await api('/api/v1/jobs', { method: 'POST', body: toJson(body), signal });
      navigate(jobHref(created.id));
    });
  }

  async function act(fn) {
    try {
      await fn();
    } catch (e) {
      showError(e);
    }
  }

  async function renderResult(j) {
    if (j.error) {
      result.replaceChildren(h('p', { class: 'error job-error', text: j.error }));
      return;
    }
    if (!j.result) {
      result.replaceChildren(h('p', { class: 'muted', text: FINAL.includes(j.status) ? 'No result.' : 'Not finished yet.' }));
      return;
    }
    const fields = h('dl', { class: 'result-fields' }, Object.entries(j.result).flatMap(([k, v]) =>
      [h('dt', { text: k }), h('dd', { text: typeof v === 'object' ? toJson(v) : String(v) })]));
    const figure = h('figure', { class: 'plot' });
    result.replaceChildren(h('div', { class: 'result-grid' }, fields, figure));
    if (j.links?.plot) {
      try {
        const svg = await blob(j.links.plot, signal);
        if (plotUrl) URL.revokeObjectURL(plotUrl);
        plotUrl = URL.createObjectURL(svg);
        figure.replaceChildren(h('img', { src: plotUrl, alt: `plot of the ${j.type} result`, width: 640, height: 400 }));
      } catch (e) {
        if (e.name !== 'AbortError') figure.replaceChildren(h('p', { class: 'error', text: `plot: ${e.message}` }));
      }
    }
  }

  async function loadTimeline() {
    const view = await api(`/api/v1/jobs/${encodeURIComponent(id)}/shards`, { signal });
    shards.replaceChildren(timeline(view));
  }

  (async () => {
    try {
      render(await api(`/api/v1/jobs/${encodeURIComponent(id)}`, { signal }));
    } catch (e) {
      if (e.name === 'AbortError') return;
      main.replaceChildren(h('p', { class: 'back' }, link('/', '← All jobs')),
        h('h1', { text: 'Job not found' }), h('p', { class: 'error', role: 'alert', text: e.message }));
      return;
    }
    // The timeline while the job runs, once a second; then once more with its end.
    const running = new AbortController();
    signal.addEventListener('abort', () => running.abort());
    if (!FINAL.includes(job.status)) every(1000, loadTimeline, running.signal);
    else await loadTimeline().catch(showError);
    while (!FINAL.includes(job.status) && !signal.aborted) {
      try {
        await follow(`/api/v1/jobs/${encodeURIComponent(id)}/events`, (name, data) => {
          const event = parseJson(data);
          if (name === 'progress') {
            progress(event.shardsDone, event.shardsTotal);
            convergence.update(event);
            if (event.status !== job.status) render({ ...job, status: event.status, progress: { shardsDone: event.shardsDone, shardsTotal: event.shardsTotal } });
          } else if (name === 'job') {
            render(event);
          }
        }, signal);
      } catch (e) {
        if (e.name === 'AbortError') return;
        if (e instanceof Problem && e.status === 404) break;
        showError(e);
        await new Promise((r) => setTimeout(r, 2000));
      }
      if (!FINAL.includes(job.status)) render(await api(`/api/v1/jobs/${encodeURIComponent(id)}`, { signal }));
    }
    running.abort();
    if (!signal.aborted) await loadTimeline().catch(showError);
  })();
}
