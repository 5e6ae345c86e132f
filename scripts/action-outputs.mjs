#!/usr/bin/env node
// Used by action.yml after the audit: turns the CLI's --json event stream into step outputs (on
// stdout, for $GITHUB_OUTPUT), puts the Markdown report in the job summary, and prints the verdict.
// Plain ESM with no dependencies, so the action needs nothing beyond the built CLI.
import fs from 'node:fs';

const [eventsFile] = process.argv.slice(2);
const events = fs.existsSync(eventsFile) ? fs.readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).flatMap(parse) : [];
const verdict = events.findLast((e) => e.type === 'verdict');
const paths = events.findLast((e) => e.type === 'reports')?.paths ?? [];
const byExtension = (ext) => paths.find((p) => p.endsWith(`.${ext}`)) ?? '';

const outputs = {
  rating: verdict?.rating ?? '',
  'readiness-score': verdict ? String(verdict.readinessScore) : '',
  blocked: verdict ? String(verdict.blocked) : '',
  'report-md': byExtension('md'),
  'report-json': byExtension('json'),
  sarif: byExtension('sarif'),
};
for (const [key, value] of Object.entries(outputs)) process.stdout.write(`${key}=${value.replace(/[\r\n]/g, ' ')}\n`);

if (verdict) process.stderr.write(`prod-audit: ${verdict.rating} (readiness ${verdict.readinessScore}/100), ${verdict.stopShip} stop-ship, ${verdict.blocked ? 'blocked by the gate' : 'not blocked'}\n`);
const summary = process.env.GITHUB_STEP_SUMMARY;
if (summary && outputs['report-md']) fs.appendFileSync(summary, fs.readFileSync(outputs['report-md'], 'utf8'));

function parse(line) {
  try {
    return [JSON.parse(line)];
  } catch {
    return [];
  }
}
