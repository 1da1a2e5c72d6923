// The dashboard of the redis backend in a real browser: two replicas of the packaged jar on one real
// Redis (2 workers each), run by BrowserReplicasIT; by hand, with both running:
//   FORKPOOL_URL=http://localhost:8080 FORKPOOL_URL_B=http://localhost:8081 \
//     node --test src/test/browser/replicas/dashboard-replicas.test.mjs
// Screenshots go to target/dashboard-replicas*.png (docs/ keeps copies), or to FORKPOOL_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const A = (process.env.FORKPOOL_URL ?? '').replace(/\/+$/, '');
const B = (process.env.FORKPOOL_URL_B ?? '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.FORKPOOL_SCREENSHOTS ?? fileURLToPath(new URL('../../../../target/', import.meta.url));

let browser;

before(async () => {
  assert.ok(A && B, 'set FORKPOOL_URL and FORKPOOL_URL_B to two replicas on one Redis');
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: run .ci/setup (apt-get install chromium)`);
  await mkdir(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
});

/** The replica id a replica gives its own workers. */
async function replicaOf(base) {
  const workers = await (await fetch(`${base}/api/v1/workers`)).json();
  const ids = [...new Set(workers.map((w) => w.replica))];
  assert.equal(ids.length, 1, `one replica id on ${base}: ${JSON.stringify(workers)}`);
  assert.ok(ids[0], `a replica id on ${base}`);
  return ids[0];
}

const region = (page, name) => page.getByRole('region', { name, exact: true });

test('replica A\'s Workers panel shows the workers of both replicas; a job\'s timeline has a row per worker per replica', async (t) => {
  const ra = await replicaOf(A);
  const rb = await replicaOf(B);
  assert.notEqual(ra, rb);

  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));

  await page.goto(`${A}/`);
  // two worker slots of each replica, each row marked by its replica
  await page.waitForFunction(([ra, rb]) => {
    const rows = [...document.querySelectorAll('section.workers tbody tr')];
    const of = (r) => rows.filter((row) => row.dataset.replica === r && !row.cells[0].textContent.startsWith('spare'));
    return of(ra).length === 2 && of(rb).length === 2;
  }, [ra, rb]);
  const workers = region(page, 'Workers');
  const headers = await workers.locator('thead th').allTextContents();
  assert.deepEqual(headers.slice(0, 3), ['Worker', 'Replica', 'PID']);
  const cells = await workers.locator('tbody td.replica').allTextContents();
  assert.ok(cells.includes(ra) && cells.includes(rb), `replica cells: ${cells}`);
  // the pids shown for replica B are B's own
  const pidsOfB = (await (await fetch(`${B}/api/v1/workers`)).json()).map((w) => String(w.pid)).sort();
  const shownForB = (await workers.locator(`tbody tr[data-replica="${rb}"] td:nth-child(3)`).allTextContents()).sort();
  assert.deepEqual(shownForB, pidsOfB);

  // a job posted to A, computed by the workers of both: 895 shards of 6.7·10^7 samples, seconds of work
  const created = await page.request.post(`${A}/api/v1/jobs`, { data: { type: 'pi', samples: 60_000_000_000, seed: 12 } });
  assert.equal(created.status(), 202, await created.text());
  const job = await created.json();
  t.after(() => page.request.delete(`${A}/api/v1/jobs/${job.id}`).catch(() => {}));
  // while it runs, both replicas' workers are busy with it on A's panel
  await page.waitForFunction(([ra, rb, id]) => {
    const busy = [...document.querySelectorAll('section.workers tbody tr')]
      .filter((row) => row.querySelector('.state.busy') && row.querySelector(`a[href="/jobs/${id}"]`));
    return busy.some((row) => row.dataset.replica === ra) && busy.some((row) => row.dataset.replica === rb);
  }, [ra, rb, job.id], { timeout: 120_000 });
  // and the overview (polled every 2 s) counts the job running and busy workers over both replicas
  await page.waitForFunction(() => document.querySelector('.card.running .card-value')?.textContent === '1'
    && /^Worker processes: [2-9]\d* busy, .* on 2 replicas;/.test(document.querySelector('.workers-line')?.textContent ?? ''),
  null, { timeout: 120_000 });
  await page.screenshot({ path: join(SHOTS, 'dashboard-replicas.png'), fullPage: true });
  t.diagnostic(`screenshot: ${join(SHOTS, 'dashboard-replicas.png')}`);

  await page.goto(`${A}/jobs/${job.id}`);
  const bar = region(page, 'Progress').getByRole('progressbar');
  await page.waitForFunction((el) => el.getAttribute('aria-valuenow') === '100', await bar.elementHandle(), { timeout: 180_000 });
  const done = await (await page.request.get(`${A}/api/v1/jobs/${job.id}`)).json();
  assert.equal(done.status, 'SUCCEEDED');
  const shards = await (await page.request.get(`${B}/api/v1/jobs/${job.id}/shards`)).json();
  const lanesInData = new Set(shards.workers.map((w) => `${w.replica}/${w.pid}`));
  assert.ok([...lanesInData].some((l) => l.startsWith(`${ra}/`)) && [...lanesInData].some((l) => l.startsWith(`${rb}/`)),
    `tries of both replicas: ${[...lanesInData]}`);

  // one row per worker process per replica, each labelled with its replica, every shard drawn
  const timeline = region(page, 'Shard timeline');
  await page.waitForFunction((n) => document.querySelectorAll('svg.timeline rect.try').length >= n, done.progress.shardsTotal);
  const lanes = await timeline.locator('[data-lane]').evaluateAll((gs) => gs.map((g) => g.dataset.lane));
  assert.deepEqual(new Set(lanes), lanesInData);
  assert.equal(lanes.length, lanesInData.size, 'a row each');
  for (const [replica, pids] of [[ra, null], [rb, pidsOfB]]) {
    const own = lanes.filter((l) => l.startsWith(`${replica}/`));
    assert.ok(own.length >= 1 && own.length <= 2, `rows of ${replica}: ${own}`);
    if (pids) own.forEach((l) => assert.ok(pids.includes(l.slice(replica.length + 1)), `${l} is a worker of B`));
  }
  await page.screenshot({ path: join(SHOTS, 'dashboard-replicas-job.png'), fullPage: true });
  assert.deepEqual(errors, [], 'console errors');
});
