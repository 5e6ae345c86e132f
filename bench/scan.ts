/**
 * One measured scan, in its own process so peak memory is this scan's alone.
 * Usage: tsx bench/scan.ts <root> [--no-default-excludes] [--max-file-bytes N]
 * Prints one JSON line with the measurements.
 */
import { collectRepo } from '../src/repo/collect.js';
import { redactorFor } from '../src/repo/redactor.js';
import { PROBES } from '../src/probes/registry.js';
import { runProbes } from '../src/probes/run.js';

const [root, ...flags] = process.argv.slice(2);
if (!root) throw new Error('Expected a folder to scan, got nothing');
const maxIndex = flags.indexOf('--max-file-bytes');

const started = performance.now();
const view = await collectRepo(root, {
  git: false,
  defaultExcludes: !flags.includes('--no-default-excludes'),
  ...(maxIndex >= 0 ? { maxFileBytes: Number(flags[maxIndex + 1]) } : {}),
});
const collected = performance.now();
const run = runProbes(view, PROBES, redactorFor(view));
const probed = performance.now();

const lines = view.files.reduce((sum, file) => sum + file.lines.length, 0);
console.log(
  JSON.stringify({
    files: view.files.length,
    skipped: view.skipped.length,
    lines,
    bytes: view.totalBytes,
    collectMs: collected - started,
    probeMs: probed - collected,
    totalMs: probed - started,
    findings: run.findings.length,
    probeErrors: run.outcomes.filter((o) => o.status === 'error').map((o) => `${o.id}: ${o.error}`),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
