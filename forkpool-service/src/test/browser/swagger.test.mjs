// Swagger UI in a real browser: Debian's Chromium driven by playwright-core (no browser
// download). Run by BrowserIT against the packaged jar; by hand:
//   FORKPOOL_URL=http://localhost:8080 node --test src/test/browser/
// It expands POST /api/v1/jobs, presses "Try it out", picks the pi example, sets ?wait=30,
// presses Execute and expects a finished job in the response; then it opens the job's plot
// (links.plot) and checks the SVG renders; and writes a screenshot to target/swagger-ui-pi.png (docs/ keeps a copy).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.FORKPOOL_URL ?? '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.FORKPOOL_SCREENSHOT
  ?? fileURLToPath(new URL('../../../target/swagger-ui-pi.png', import.meta.url));
const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

let browser;
let page;

before(async () => {
  assert.ok(BASE, 'set FORKPOOL_URL to the running service, e.g. http://localhost:8080');
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: run .ci/setup (apt-get install chromium)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
});

after(async () => {
  await browser?.close();
});

test('Swagger UI: Try it out with the pi example runs a job to its end, and its plot renders', async (t) => {
  const docs = await page.goto(`${BASE}/swagger-ui.html`);
  assert.equal(docs.status(), 200, `GET /swagger-ui.html: ${docs.status()}`);

  // POST /api/v1/jobs, found by method and path rather than by its generated operation id
  const op = page.locator('.opblock.opblock-post')
    .filter({ has: page.locator('.opblock-summary-path[data-path="/api/v1/jobs"]') });
  await op.waitFor();
  await op.locator('.opblock-summary-control').click();
  await op.getByRole('button', { name: 'Try it out' }).click();

  // the pi example of the request body, and ?wait=30 so the answer is the finished job
  await op.locator('select.examples-select-element').selectOption('pi');
  const body = op.locator('textarea.body-param__text');
  const request = JSON.parse(await body.inputValue());
  assert.equal(request.type, 'pi', `request body after picking the pi example: ${JSON.stringify(request)}`);
  await op.locator('tr[data-param-name="wait"] input').fill('30');

  await op.locator('button.execute').click();

  // the live response: status 200 and a finished pi job
  const live = op.locator('.live-responses-table');
  const status = live.locator('tbody .response-col_status').first();
  await status.waitFor();
  const responseBody = live.locator('.response-col_description .highlight-code pre').first();
  await responseBody.waitFor();
  const text = await responseBody.innerText();
  assert.equal((await status.innerText()).trim(), '200', `response: ${text}`);
  const job = JSON.parse(text);
  assert.ok(FINAL.includes(job.status), `"status" of a finished job, got ${job.status}`);
  assert.equal(job.status, 'SUCCEEDED', text);
  assert.equal(job.type, 'pi');
  assert.equal(job.result.samples, request.samples);
  assert.ok(Math.abs(job.result.estimate - Math.PI) < 6 * job.result.stdError,
    `estimate ${job.result.estimate} within 6 standard errors of pi`);
  const requestUrl = await op.locator('.request-url pre').innerText();
  assert.match(requestUrl, /\/api\/v1\/jobs\?wait=30$/, 'the request Swagger UI sent');

  // the screenshot: the operation, from its summary (with ?wait and the pi example) down to the
  // server's response
  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await live.scrollIntoViewIfNeeded();
  const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  const opBox = await op.boundingBox();
  const to = await live.boundingBox();
  await page.screenshot({
    path: SCREENSHOT,
    fullPage: true,
    clip: {
      x: opBox.x + scroll.x - 4,
      y: opBox.y + scroll.y - 4,
      width: opBox.width + 8,
      height: to.y + to.height - opBox.y + 12,
    },
  });
  t.diagnostic(`screenshot: ${SCREENSHOT}`);

  // the plot of the job: a finished job with a result always links one
  assert.equal(job.links?.plot, `/api/v1/jobs/${job.id}/plot.svg`, `links of ${JSON.stringify(job.links)}`);
  const svg = await page.goto(`${BASE}${job.links.plot}`);
  assert.equal(svg.status(), 200, `GET ${job.links.plot}`);
  assert.match(svg.headers()['content-type'], /^image\/svg\+xml/);
  const root = page.locator('svg').first();
  await root.waitFor();
  assert.equal(await root.getAttribute('viewBox'), '0 0 640 400');
  // Chromium laid out the interval and π: they have a size on the page
  for (const shape of ['rect.interval-band', 'line.interval', 'circle.estimate', 'line.reference']) {
    const box = await page.locator(shape).boundingBox();
    assert.ok(box && (box.width > 0 || box.height > 0), `${shape} is drawn: ${JSON.stringify(box)}`);
  }
  const band = await page.locator('rect.interval-band').boundingBox();
  const dot = await page.locator('circle.estimate').boundingBox();
  const centre = dot.x + dot.width / 2;
  assert.ok(band.x <= centre && centre <= band.x + band.width, 'the estimate lies inside its interval');
  t.diagnostic(`plot: ${job.links.plot} rendered`);
});
