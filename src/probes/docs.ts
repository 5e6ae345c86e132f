import { CATEGORIES } from '../model/taxonomy.js';
import type { Probe } from './types.js';

/** Renders docs/probes.md from probe metadata, so the documentation cannot drift from the code. */
export function renderProbeDocs(probes: readonly Probe[]): string {
  const lines = [
    '# Probes',
    '',
    'Deterministic detectors that run with no model and no network. Offline they are the whole audit;',
    'with an API key they are the leads each agent starts from. Generated from probe metadata by',
    '`npm run docs:probes`; a test fails when this file is out of date.',
    '',
  ];
  for (const category of CATEGORIES) {
    const inCategory = probes.filter((probe) => probe.meta.category === category).sort((a, b) => a.meta.id.localeCompare(b.meta.id));
    if (inCategory.length === 0) continue;
    lines.push(`## ${category}`, '', '| id | severity | CWE | detects | fix |', '| --- | --- | --- | --- | --- |');
    for (const { meta } of inCategory) {
      lines.push(`| \`${meta.id}\` | ${meta.severity} | ${meta.cwe ?? '—'} | ${meta.description} | ${meta.remediation} |`);
    }
    lines.push('');
  }
  const uncovered = CATEGORIES.filter((category) => !probes.some((probe) => probe.meta.category === category));
  if (uncovered.length > 0) {
    lines.push('## Not covered by a probe', '', `Judged by the agents only: ${uncovered.join(', ')}.`, '');
  }
  return lines.join('\n');
}
