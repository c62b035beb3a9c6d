import { accessSync, constants, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { App } from '@gochan/example-http-server/server';
import { createApp } from './app.js';

// The dashboard in headless Chromium (Debian's, driven by playwright, which
// downloads no browser): it loads, shows every one of 64 workers, and its
// numbers change as tasks are sent; a screenshot is kept in
// test-artifacts/ (git-ignored). Chromium is found as `pnpm test:browser`
// finds it: $CHROMIUM_PATH, else /usr/bin/chromium. Without it, under CI
// the test fails; elsewhere it is skipped, and says so loudly.

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const hasChromium = ((): boolean => {
  try {
    accessSync(executablePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();
const inCI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (!hasChromium && !inCI) {
  console.error(`\n!!! THE DASHBOARD TEST DID NOT RUN: no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH) !!!\n`);
}
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

describe.runIf(hasChromium || inCI)('the dashboard in Chromium', () => {
  let browser: Browser;
  let app: App;
  let base: string;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`No Chromium at ${executablePath}: CI needs it (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    app = await createApp({ workers: 64, queueSize: 200, taskMs: 4_000 });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.shutdown(0);
    vi.restoreAllMocks();
  });

  test('it shows 64 workers, and its numbers change as tasks are sent and done; a screenshot is kept', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/`);
    const cells = page.locator('[data-testid=workers] > div');
    await expect.poll(() => cells.count(), { timeout: 10_000 }).toBe(64);
    expect(await page.locator('#connection').textContent()).toBe('live');
    expect(await page.getByTestId('completed').textContent()).toBe('0');
    expect(await page.getByTestId('busy').textContent()).toBe('0 / 64');

    // 100 tasks: 64 run, 36 wait in the queue.
    const answers = Promise.all(Array.from({ length: 100 }, (_, i) => fetch(`${base}/task/task-${i}`).then((response) => response.status)));
    await expect.poll(() => page.getByTestId('busy').textContent(), { timeout: 10_000 }).toBe('64 / 64');
    await expect.poll(async () => Number(await page.getByTestId('queued').textContent()), { timeout: 10_000 }).toBe(36);
    // Every worker shows its task.
    const busyCells = await cells.allTextContents();
    expect(busyCells.filter((text) => /^#\d+ task-\d+$/.test(text))).toHaveLength(64);
    expect(await page.locator('[data-testid=workers] > div[data-state=b]').count()).toBe(64);
    expect(await answers).toEqual(Array(100).fill(200));

    // Usable with 64 workers: the whole grid fits on one screen, each cell readable.
    const grid = await page.getByTestId('workers').boundingBox();
    expect(grid!.y + grid!.height).toBeLessThanOrEqual(800);
    const cell = await cells.first().boundingBox();
    expect(cell!.width).toBeGreaterThanOrEqual(100);

    // The first 64 finish: the count moves, the chart has points, the queue drains into the workers.
    await expect.poll(async () => Number(await page.getByTestId('completed').textContent()), { timeout: 15_000 }).toBeGreaterThanOrEqual(64);
    await expect.poll(async () => Number(await page.getByTestId('queued').textContent()), { timeout: 10_000 }).toBe(0);
    expect((await page.locator('#queue-line').getAttribute('points'))!.split(' ').length).toBeGreaterThan(1);
    expect(Number(await page.getByTestId('throughput').textContent())).toBeGreaterThan(0);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}dashboard-64-workers.png`, fullPage: true });
    await page.close();
  }, 60_000);

  test('at 420 px wide nothing overflows sideways, no text is scaled, and queue depth and throughput each have a chart with its own labelled scale', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 10_000 }).toBe('live');
    // 80 tasks on 64 workers: 16 wait, so the queue's scale reaches 16 or more whatever the throughput's is.
    const answers = Promise.all(Array.from({ length: 80 }, (_, i) => fetch(`${base}/task/narrow-${i}`).then((response) => response.status)));
    await expect.poll(async () => Number(await page.getByTestId('queue-max').textContent()), { timeout: 15_000 }).toBeGreaterThanOrEqual(16);
    expect(await answers).toEqual(Array(80).fill(200));
    expect(await page.getByTestId('queue-chart').locator('h2').textContent()).toBe('Queue depth (tasks waiting)');
    expect(await page.getByTestId('rate-chart').locator('h2').textContent()).toBe('Throughput (tasks completed a second)');
    // Each scale is its own: a round number (1, 2 or 5 times a power of ten) above its own line.
    for (const id of ['queue-max', 'rate-max']) expect(await page.getByTestId(id).textContent()).toMatch(/^[125]0*$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    // Labels are HTML beside the charts, never SVG text stretched with them.
    expect(await page.locator('svg text').count()).toBe(0);
    for (const label of await page.locator('.axis span, .count span, .chart h2').all()) {
      expect(Number.parseFloat(await label.evaluate((element) => getComputedStyle(element).fontSize))).toBeGreaterThanOrEqual(10);
    }
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}dashboard-420px.png`, fullPage: true });
    await page.close();
  }, 60_000);
});
