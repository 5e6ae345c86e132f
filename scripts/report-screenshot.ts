/**
 * Renders the flawed example's HTML report in headless Chromium and saves the top of the page (verdict,
 * summary, scorecard, the first stop-ship issues) as docs/report-html.png, the picture the README shows.
 * Run with `npm run docs:screenshot` after `npm run build`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../src/cli.js';
import { findChromium, launchChromium } from '../tests/helpers/browser.js';

const executable = findChromium();
if (!executable) throw new Error('No Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-shot-'));
const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: process.cwd() };
await main(['audit', 'examples/flawed-shop', '--out', out, '--format', 'html', '--quiet'], io);
const html = path.join(out, fs.readdirSync(out).find((f) => f.endsWith('.html'))!);
const browser = await launchChromium(executable);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(html).href);
  // Down to the third stop-ship card: the verdict, the scorecard and what blocks the launch.
  const bottom = await page.locator('.stopship > li').nth(2).evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY + 24);
  const target = path.resolve('docs/report-html.png');
  await page.screenshot({ path: target, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.round(bottom) } });
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
} finally {
  await browser.close();
}
