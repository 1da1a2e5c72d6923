// The dashboard at / in a real browser: Debian's Chromium driven by playwright-core. Run by BrowserIT
// against the packaged jar (2 workers, --forkpool.timeline.per-job=100), with a second service that
// has API keys on (--forkpool.security.api-keys=k); by hand, with both running:
//   FORKPOOL_URL=http://localhost:8080 FORKPOOL_KEYED_URL=http://localhost:8081 FORKPOOL_KEY=k \
//     node --test src/test/browser/dashboard.test.mjs
// Screenshots go to target/dashboard-*.png (docs/ keeps copies), or to FORKPOOL_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.FORKPOOL_URL ?? '').replace(/\/+$/, '');
const KEYED = (process.env.FORKPOOL_KEYED_URL ?? '').replace(/\/+$/, '');
const KEY = process.env.FORKPOOL_KEY ?? '';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.FORKPOOL_SCREENSHOTS ?? fileURLToPath(new URL('../../../target/', import.meta.url));
// What Chromium logs for an answer the test provoked on purpose (a 400, a 404, a 401): nothing else may appear.
const PROVOKED = /^Failed to load resource: the server responded with a status of (400|401|404)/;

let browser;

before(async () => {
  assert.ok(BASE, 'set FORKPOOL_URL to the running service, e.g. http://localhost:8080');
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

/** A fresh tab (its own session storage) that records console errors, page errors and CSP reports. */
async function open(t, viewport = { width: 1440, height: 1000 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  t.after(() => context.close());
  return { page, errors };
}

function noErrors(errors, allowProvoked = false) {
  const real = errors.filter((e) => !(allowProvoked && PROVOKED.test(e)));
  assert.deepEqual(real, [], 'console errors');
}

async function shot(page, name, t) {
  const path = join(SHOTS, `dashboard-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  t.diagnostic(`screenshot: ${path}`);
}

const region = (page, name) => page.getByRole('region', { name, exact: true });

/** Fills the generated form for one kind and submits it; returns the new job's id from the outcome link. */
async function submitFromForm(page, kind, values) {
  const form = region(page, 'New job');
  await form.getByLabel('Kind').selectOption(kind);
  for (const [field, value] of Object.entries(values)) {
    // until: a precision target, its value beside the choice of field
    await form.locator(field === 'until' ? '[data-until]' : `[data-field="${field}"]`).fill(String(value));
  }
  await form.getByRole('button', { name: 'Submit job' }).click();
  const created = form.getByRole('status').getByRole('link');
  await created.waitFor();
  const href = await created.getAttribute('href');
  return decodeURIComponent(href.replace('/jobs/', ''));
}

test('home: the four regions, the worker processes, no console error', async (t) => {
  const { page, errors } = await open(t);
  const response = await page.goto(`${BASE}/`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
  for (const name of ['Overview', 'Jobs', 'Workers', 'New job']) {
    await region(page, name).waitFor();
  }
  // 2 workers in their slots (the warm spare may join them)
  const workers = region(page, 'Workers').locator('tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('section.workers tbody tr td:first-child').length >= 2);
  const slots = await workers.locator('td:first-child').allTextContents();
  assert.deepEqual(slots.filter((s) => s.startsWith('#')).sort(), ['#0', '#1']);
  // the two charts are drawn by uPlot
  await region(page, 'Overview').locator('.uplot canvas').first().waitFor();
  assert.equal(await region(page, 'Overview').locator('.uplot').count(), 2);
  // the form comes from the kinds' schemas: every installed kind is offered
  const kinds = await (await page.request.get(`${BASE}/api/v1/kinds`)).json();
  const offered = await region(page, 'New job').getByLabel('Kind').locator('option').allTextContents();
  assert.deepEqual(offered, kinds.map((k) => k.name));
  noErrors(errors);
});

test('a job from the form: in the table without a reload, its page, progress to 100 %, result, timeline of 2 workers', async (t) => {
  const { page, errors } = await open(t);
  await page.goto(`${BASE}/`);
  // a seed past 2^53, which a JavaScript number would round: the page must keep its digits
  const id = await submitFromForm(page, 'pi', { samples: 2_000_000_000, seed: '9007199254740993' });

  // the row appears by itself (the table polls the server's page of jobs)
  const row = region(page, 'Jobs').locator(`tr[data-job="${id}"]`);
  await row.waitFor();
  assert.equal(await row.getByRole('cell').nth(1).textContent(), 'pi');

  await row.getByRole('link').click();
  await page.waitForURL(`**/jobs/${id}`);
  const bar = region(page, 'Progress').getByRole('progressbar');
  await page.waitForFunction((el) => el.getAttribute('aria-valuenow') === '100', await bar.elementHandle(), { timeout: 60_000 });
  await region(page, 'Result').locator('.result-fields').waitFor();
  await page.getByText('SUCCEEDED', { exact: true }).first().waitFor();

  const job = await (await page.request.get(`${BASE}/api/v1/jobs/${id}`)).json();
  assert.equal(job.status, 'SUCCEEDED');
  const shown = await region(page, 'Result').locator('dt', { hasText: /^estimate$/ }).locator('xpath=following-sibling::dd[1]').textContent();
  assert.equal(shown, String(job.result.estimate));
  // the plot, fetched with the page's headers and shown from a blob: URL
  const plot = region(page, 'Result').getByRole('img', { name: /plot of the pi result/ });
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await plot.elementHandle());

  // one row per worker process, every shard drawn once as done
  const timeline = region(page, 'Shard timeline');
  await page.waitForFunction((n) => document.querySelectorAll('svg.timeline rect.try').length >= n, job.progress.shardsTotal);
  assert.equal(await timeline.locator('[data-lane]').count(), 2, 'two worker processes, two rows');
  const shards = await timeline.locator('rect.try').evaluateAll((rects) => rects.map((r) => Number(r.dataset.shard)));
  assert.deepEqual([...new Set(shards)].sort((a, b) => a - b), [...Array(job.progress.shardsTotal).keys()]);
  assert.match(await timeline.locator('.parallelism').textContent(), /Effective parallelism \d+\.\d\d×/);
  await shot(page, 'job', t);

  // the deep link survives a reload
  await page.reload();
  await region(page, 'Shard timeline').locator('[data-lane]').first().waitFor();
  assert.equal(await region(page, 'Progress').getByRole('progressbar').getAttribute('aria-valuenow'), '100');

  // run it again: same request, same seed, same result
  await page.getByRole('button', { name: 'Run again' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/jobs/') && !url.pathname.endsWith(id));
  await page.waitForFunction(() => document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') === '100', null, { timeout: 60_000 });
  const againId = decodeURIComponent(new URL(page.url()).pathname.replace('/jobs/', ''));
  const againText = await (await page.request.get(`${BASE}/api/v1/jobs/${againId}`)).text();
  assert.match(againText, /"seed":9007199254740993[,}]/, 'the same seed, every digit');
  assert.match(await region(page, 'Request').textContent(), /"seed": 9007199254740993\b/);
  const again = JSON.parse(againText);
  assert.deepEqual(again.request, job.request);
  assert.equal(again.result.estimate, job.result.estimate);

  await page.goto(`${BASE}/`);
  await region(page, 'Jobs').locator(`tr[data-job="${againId}"]`).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.uplot').length === 2);
  await shot(page, 'home', t);
  noErrors(errors);
});

test('a long job of 100,000+ shards opens at once (summarised timeline) and is cancelled from its page', async (t) => {
  const { page, errors } = await open(t);
  // 10^13 samples: about 150,000 shards; the service keeps 100 tries one by one (BrowserIT sets
  // forkpool.timeline.per-job=100; the default, 2,000, would take minutes to pass here)
  const created = await page.request.post(`${BASE}/api/v1/jobs`, { data: { type: 'pi', samples: 10_000_000_000_000 } });
  assert.equal(created.status(), 202);
  const job = await created.json();
  t.after(() => page.request.delete(`${BASE}/api/v1/jobs/${job.id}`).catch(() => {})); // never left hogging the workers
  assert.ok(job.progress.shardsTotal >= 100_000, `shards: ${job.progress.shardsTotal}`);
  // let it run past the tries kept one by one
  await t.test('runs until its timeline is summarised', async () => {
    for (let i = 0; i < 300; i++) {
      const shards = await (await page.request.get(`${BASE}/api/v1/jobs/${job.id}/shards`)).json();
      if (shards.summarised) return;
      await page.waitForTimeout(200);
    }
    assert.fail('never summarised');
  });

  // the timeline's data is a summary of constant size: it answers within a second however many shards
  const asked = Date.now();
  const summary = await page.request.get(`${BASE}/api/v1/jobs/${job.id}/shards`);
  const answered = Date.now() - asked;
  const size = (await summary.body()).length;
  t.diagnostic(`a job of ${job.progress.shardsTotal} shards: /shards in ${answered} ms, ${size} bytes`);
  assert.ok(answered < 1000, `/shards answered in ${answered} ms`);
  assert.ok(size < 20_000, `/shards is ${size} bytes`);
  const t0 = Date.now();
  await page.goto(`${BASE}/jobs/${job.id}`);
  await region(page, 'Shard timeline').locator('[data-lane]').first().waitFor();
  const opened = Date.now() - t0;
  // The page itself: a loose bound, since this machine's 2 cores are busy with the job itself (and, in
  // CI, with the build); what keeps it quick is the constant-size summary checked above.
  t.diagnostic(`its page with the timeline drawn in ${opened} ms`);
  assert.ok(opened < 5000, `opened in ${opened} ms`);
  assert.equal(await region(page, 'Shard timeline').locator('[data-lane]').count(), 2);
  assert.ok(await region(page, 'Shard timeline').locator('rect.bucket').count() > 0);

  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('CANCELLED', { exact: true }).first().waitFor();
  const after = await (await page.request.get(`${BASE}/api/v1/jobs/${job.id}`)).json();
  assert.equal(after.status, 'CANCELLED');
  await page.getByRole('button', { name: 'Run with a new seed' }).waitFor();
  await shot(page, 'cancelled', t);
  noErrors(errors);
});

test('Convergence: the estimate and its interval grow live with the samples, then a job from the form stops on its target', async (t) => {
  const { page, errors } = await open(t);
  const created = await page.request.post(`${BASE}/api/v1/jobs`, { data: { type: 'pi', samples: 10_000_000_000_000, seed: 8 } });
  assert.equal(created.status(), 202);
  const job = await created.json();
  t.after(() => page.request.delete(`${BASE}/api/v1/jobs/${job.id}`).catch(() => {}));
  await page.goto(`${BASE}/jobs/${job.id}`);
  const convergence = region(page, 'Convergence');
  const chart = convergence.getByRole('img');
  await chart.waitFor();
  // the chart's label names the samples it covers: it moves as shards merge, without a reload
  const covered = async () => Number((await chart.getAttribute('aria-label')).match(/after (\d+) samples/)[1]);
  const first = await covered();
  await page.waitForFunction((n) => {
    const label = document.querySelector('#convergence svg')?.getAttribute('aria-label') ?? '';
    const m = label.match(/after (\d+) samples/);
    return m && Number(m[1]) > n && document.querySelectorAll('#convergence polyline.estimate').length === 1;
  }, first, { timeout: 30_000 });
  assert.ok(await covered() > first);
  // the true value (the result's exact field) is drawn, and the interval is a band behind the line
  await convergence.locator('line.exact').waitFor({ state: 'attached' }); // a 0-high box: never 'visible'
  assert.equal(await convergence.locator('polygon.band').count(), 1);
  assert.match(await convergence.locator('.convergence-summary').textContent(), /^So far: .+ samples in \d+ shards\.$/);
  await shot(page, 'convergence', t);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('CANCELLED', { exact: true }).first().waitFor();
  const cancelled = await (await page.request.get(`${BASE}/api/v1/jobs/${job.id}`)).json();
  assert.ok(cancelled.partialResult.samples >= first, 'a cancel keeps the partial result');

  // the form's until field: the kind's precision fields to choose from, and the target
  await page.goto(`${BASE}/`);
  const form = region(page, 'New job');
  await form.getByLabel('Kind').selectOption('pi');
  assert.deepEqual(await form.locator('[data-until-field] option').allTextContents(), ['stdError']);
  const id = await submitFromForm(page, 'pi', { samples: 3_000_000_000, seed: 5, until: '0.0001' });
  await page.goto(`${BASE}/jobs/${id}`);
  await page.getByText('SUCCEEDED', { exact: true }).first().waitFor({ timeout: 60_000 });
  await convergence.getByText(/^Stopped on its target stdError ≤ 1e-4 after .+ samples/).waitFor();
  const stopped = await (await page.request.get(`${BASE}/api/v1/jobs/${id}`)).json();
  assert.deepEqual(stopped.request.until, { stdError: 0.0001 });
  assert.equal(stopped.convergence.stoppedOn, 'target');
  await shot(page, 'convergence-stopped', t);
  noErrors(errors);
});

test('an invalid field: the server\'s message beside that field', async (t) => {
  const { page, errors } = await open(t);
  await page.goto(`${BASE}/`);
  const form = region(page, 'New job');
  await form.getByLabel('Kind').selectOption('pi');
  // a value out of range: the kind's own validation
  await form.locator('[data-field="samples"]').fill('0');
  await form.getByRole('button', { name: 'Submit job' }).click();
  const samples = form.locator('#error-field-samples');
  await samples.filter({ hasText: /\S/ }).waitFor();
  assert.match(await samples.textContent(), /^samples .*1/);
  assert.equal(await form.locator('[data-field="samples"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.locator('#error-field-seed').textContent(), '');
  // a value of the wrong type: JSON binding; the earlier message goes
  await form.locator('[data-field="samples"]').fill('1000');
  await form.locator('[data-field="seed"]').fill('twelve');
  await form.getByRole('button', { name: 'Submit job' }).click();
  await form.locator('#error-field-seed').filter({ hasText: /^seed / }).waitFor();
  assert.equal(await samples.textContent(), '');
  assert.equal(await form.locator('[data-field="samples"]').getAttribute('aria-invalid'), null);
  await form.locator('[data-field="seed"]').fill('');
  await form.locator('[data-field="samples"]').fill('-5');
  await form.getByRole('button', { name: 'Submit job' }).click();
  await samples.filter({ hasText: /\S/ }).waitFor();
  assert.equal(await form.locator('[data-field="samples"]').getAttribute('aria-describedby'),
    'hint-field-samples error-field-samples');
  assert.equal(await form.locator('.outcome').textContent(), '', 'no job was made');
  await shot(page, 'invalid', t);
  noErrors(errors, true);
});

test('strings from errors and kinds are shown as text, never run', async (t) => {
  const { page, errors } = await open(t);
  // no "/" in it: Tomcat refuses an encoded slash in a path before the application sees it
  const attack = '<img src=x onerror="window.__xss=1"><svg onload="window.__xss=2">';
  // a kind (as a plugin might describe itself) with markup in its description and a field's
  await page.route('**/api/v1/kinds', async (route) => {
    const kinds = await (await route.fetch()).json();
    kinds[0].description = attack;
    const [first] = Object.keys(kinds[0].schema.properties).filter((f) => f !== 'type');
    kinds[0].schema.properties[first].description = attack;
    await route.fulfill({ json: kinds });
  });
  await page.goto(`${BASE}/`);
  const form = region(page, 'New job');
  await form.getByText(attack).first().waitFor();
  // an error text from the service that echoes the input: 404 "no job with id <img ...>"
  await region(page, 'Jobs').getByLabel('Find by id').fill(attack);
  await region(page, 'Jobs').getByRole('button', { name: 'Open' }).click();
  await region(page, 'Jobs').locator('#find-error').filter({ hasText: attack }).waitFor();
  // and on a job page for such an id
  await page.goto(`${BASE}/jobs/${encodeURIComponent(attack)}`);
  await page.getByRole('alert').filter({ hasText: attack }).waitFor();
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no injected script ran');
  assert.equal(await page.locator('img[src=x]').count(), 0, 'no injected element');
  noErrors(errors, true);
});

test('with API keys on: the page loads without one, asks, and works with it', async (t) => {
  assert.ok(KEYED && KEY, 'set FORKPOOL_KEYED_URL (a service with forkpool.security.api-keys) and FORKPOOL_KEY');
  const { page, errors } = await open(t);
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  const response = await page.goto(`${KEYED}/`);
  assert.equal(response.status(), 200, 'the page itself needs no key');
  const dialog = page.getByRole('dialog', { name: 'API key' });
  await dialog.waitFor();
  await shot(page, 'api-key', t);

  await dialog.getByLabel('API key').fill('not-the-key');
  await dialog.getByRole('button', { name: 'Use this key' }).click();
  await dialog.getByText('That key was refused').waitFor(); // the 401 asked again
  await dialog.getByLabel('API key').fill(KEY);
  await dialog.getByRole('button', { name: 'Use this key' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelectorAll('section.workers tbody tr').length >= 1);

  // a job, followed over SSE read from a fetch stream with the key in its header
  const id = await submitFromForm(page, 'dice', { rolls: 50_000_000 });
  await page.goto(`${KEYED}/jobs/${id}`);
  await page.waitForFunction(() => document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') === '100', null, { timeout: 60_000 });
  await region(page, 'Result').getByRole('img').waitFor();
  assert.equal(await dialog.isVisible(), false, 'the key lasts the tab\'s session, across a page load');
  assert.deepEqual(urls.filter((u) => u.includes(KEY) || u.includes('not-the-key')), [], 'a key in a URL');

  // forgetting the key brings the prompt back
  await page.getByRole('button', { name: 'Forget API key' }).click();
  await dialog.waitFor();
  noErrors(errors, true);
});
