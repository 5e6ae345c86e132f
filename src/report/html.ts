import { createHash } from 'node:crypto';
import type { ClassifiedFinding, Evidence } from '../model/finding.js';
import type { AuditReport, CategoryScore, CategoryStatus } from '../model/report.js';
import { SEVERITIES, type Severity } from '../model/taxonomy.js';
import { location, primaryLocation, sourcesOf } from './format.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { esc, token } from './html-escape.js';

const STATUS_LABEL: Record<CategoryStatus, string> = { PASS: 'PASS', PARTIAL: 'PARTIAL', FAIL: 'FAIL', NOT_APPLICABLE: 'N/A', NOT_AUDITED: 'NOT AUDITED' };
const SEVERITY_COLOUR: Record<Severity, string> = { CRITICAL: 'var(--critical)', HIGH: 'var(--high)', MEDIUM: 'var(--medium)', LOW: 'var(--low)' };

/** Items per roadmap week before the card says "and N more": the full list is in the findings table. */
const ROADMAP_ITEMS = 8;

/**
 * One self-contained HTML file: verdict banner, scorecard heat map, stop-ship list, a filterable
 * findings table with the quoted code, and the roadmap. Every repository-derived string passes `esc`;
 * the Content-Security-Policy allows only this page's own script (by hash), so even markup that slipped
 * through escaping could not run.
 */
export function renderHtml(report: AuditReport): string {
  const byId = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const stopShip = report.verdict.stopShip.map((id) => byId.get(id)).filter((f): f is ClassifiedFinding => f !== undefined);
  const scriptHash = createHash('sha256').update(HTML_SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(`${report.verdict.rating} — ${report.target.name} — production readiness audit`)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    banner(report),
    '<main>',
    summary(report),
    scorecard(report),
    stopShipSection(stopShip),
    findingsSection(report),
    roadmap(report),
    coverage(report),
    `<footer>prod-audit ${esc(report.tool.version)} · ${esc(report.finishedAt)} · this file is self-contained and loads nothing from the network</footer>`,
    '</main>',
    `<script>${HTML_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function banner(report: AuditReport): string {
  const { verdict, target } = report;
  const git = target.git?.head ? ` · commit <code>${esc(target.git.head.slice(0, 12))}</code>${target.git.branch ? ` on <code>${esc(target.git.branch)}</code>` : ''}${target.git.dirty ? ' (uncommitted changes)' : ''}` : '';
  const classes: Array<[number, string]> = [[verdict.stopShip.length, 'stop-ship'], [verdict.fixSoon.length, 'fix soon'], [verdict.acceptableRisk.length, 'acceptable risk']];
  const chips = classes.map(([n, label]) => `<span class="chip">${n} <i>${label}</i></span>`).join('');
  return `<header class="banner r-${token(verdict.rating)}" id="verdict">
<div class="inner">
<div>
<div class="eyebrow">Production readiness verdict · ${esc(target.name)}</div>
<h1 class="rating" data-rating="${esc(verdict.rating)}">${esc(verdict.rating)}</h1>${report.incomplete ? `<p class="incomplete" id="incomplete"><b>INCOMPLETE</b> — ${esc(report.incomplete.reason)}; this is what was known when it stopped.${report.incomplete.resume ? ` Resume from the audited folder with <code>${esc(report.incomplete.resume)}</code>.` : ''}</p>` : ''}
<ul class="reasons">${verdict.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
<div class="chips">${chips}</div>
<div class="meta">Audited ${esc(report.finishedAt.slice(0, 16).replace('T', ' '))} UTC${git} · ${report.coverage.mode === 'agents' ? 'probes and agents' : 'probes only'} · strictness ${esc(report.context.strictness)}</div>
</div>
<div class="gauge" style="--score: ${verdict.readinessScore}" role="img" aria-label="Readiness ${verdict.readinessScore} of 100"><div><div><b id="readiness-score">${verdict.readinessScore}</b><span>readiness<br>out of 100</span></div></div></div>
</div>
</header>`;
}

function summary(report: AuditReport): string {
  const stats = SEVERITIES.map((s) => `<div class="card stat sev-${s}"><b>${report.verdict.counts[s]}</b><span>${s.toLowerCase()} finding(s)</span></div>`).join('');
  const context = report.context.text ? `Launch context: “${esc(report.context.text)}”. ` : '';
  return `<section class="summary">${stats}</section>
<div class="card recommend"><b>Recommendation.</b> ${esc(report.verdict.recommendation)} <span class="tags">${context}${report.coverage.filesAudited} files audited.</span></div>${tracking(report)}`;
}

/** Trends, diff mode and accepted risks in one line each: what changed, and what was decided. */
function tracking(report: AuditReport): string {
  const lines: string[] = [];
  if (report.trends) {
    const { counts, previous, scoreDelta, note } = report.trends;
    const delta = scoreDelta === 0 ? 'unchanged' : `${scoreDelta > 0 ? '+' : ''}${scoreDelta}`;
    lines.push(`<b>Since the last audit</b> (${esc(previous.finishedAt.slice(0, 16).replace('T', ' '))} UTC, ${esc(previous.rating)}, ${previous.readinessScore}/100; score ${delta}): <span id="trend-counts">${counts.new} new, ${counts.fixed} fixed, ${counts.unchanged} unchanged, ${counts.accepted} accepted</span>.${note ? ` <span class="tags">${esc(note)}</span>` : ''}`);
  }
  if (report.changes) {
    lines.push(`<b>Changes since <code>${esc(report.changes.since)}</code>:</b> ${report.changes.changedFiles.length} changed file(s); ${report.changes.newFindings.length} new finding(s) can block, ${report.changes.preExisting.length} pre-existing.`);
  }
  if (report.acceptedRisks) {
    const { active, expired } = report.acceptedRisks;
    lines.push(`<b>Accepted risks:</b> ${active.length} finding(s) accepted in <code>${esc(report.acceptedRisks.file)}</code>${expired.length > 0 ? `; ${expired.length} acceptance(s) expired and block again` : ''}.`);
  }
  return lines.length === 0 ? '' : `\n<div class="card recommend" id="tracking">${lines.map((l) => `<p>${l}</p>`).join('')}</div>`;
}

/** The fifteen categories in the system type's priority order, against the four severities. */
function scorecard(report: AuditReport): string {
  const { priority } = report.workflow.systemType;
  const scores = priority.map((category) => report.scores.find((s) => s.category === category)).filter((s): s is CategoryScore => s !== undefined);
  const rows = scores.map((s, i) => {
    const cells = SEVERITIES.map((sev) => heatCell(s, sev)).join('');
    return `<tr data-category="${esc(s.category)}"><td class="rank">${i + 1}</td><td class="cat">${esc(s.category)}<small>${esc(s.note)}</small></td><td class="status s-${token(s.status)}" data-status="${esc(s.status)}">${esc(STATUS_LABEL[s.status])}</td>${cells}</tr>`;
  });
  const c = report.verdict.counts;
  const legend = (['PASS', 'PARTIAL', 'FAIL', 'NOT_APPLICABLE', 'NOT_AUDITED'] as const)
    .map((s) => `<span style="--c: var(--${s === 'NOT_APPLICABLE' || s === 'NOT_AUDITED' ? 'na' : s.toLowerCase()})">${STATUS_LABEL[s]}</span>`)
    .join('');
  return `<h2>Scorecard <small>15 categories, in the priority order for ${esc(report.workflow.systemType.type)}; click a count to filter the findings</small></h2>
<div class="card" style="padding: 10px">
<table class="scorecard" id="scorecard">
<thead><tr><th></th><th class="cat">Category</th><th>Score</th>${SEVERITIES.map((s) => `<th>${s.toLowerCase()}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
<tfoot><tr><td></td><td class="cat" style="background: var(--ink); color: #fff; border: 0">Overall</td><td>${esc(report.verdict.rating)}</td>${SEVERITIES.map((s) => `<td data-total="${s}">${c[s]}</td>`).join('')}</tr></tfoot>
</table>
<div class="legend">${legend}</div>
</div>`;
}

/** Shade by count: 1, 2–3, 4+; an empty cell stays quiet so the eye goes to what is wrong. */
function heatCell(score: CategoryScore, severity: Severity): string {
  const n = score.counts[severity];
  const level = n === 0 ? '' : n === 1 ? ' h1' : n <= 3 ? ' h2' : ' h3';
  return `<td class="heat sev-${severity}${level}" data-category="${esc(score.category)}" data-severity="${severity}" data-count="${n}" title="${esc(`${score.category}: ${n} ${severity.toLowerCase()}`)}">${n === 0 ? '·' : n}</td>`;
}

function stopShipSection(stop: readonly ClassifiedFinding[]): string {
  const head = `<h2 id="stop-ship">Stop-ship issues <small>${stop.length === 0 ? 'none' : `${stop.length} to fix before launch`}</small></h2>`;
  if (stop.length === 0) return `${head}<div class="card none">No stop-ship issues.</div>`;
  const items = stop.map(
    (f) => `<li class="card"><h3><a href="#f-${token(f.fingerprint)}">${esc(f.title)}</a></h3><div class="loc">${esc(primaryLocation(f))} · ${esc(f.severity)} · ${esc(f.category)}</div><p>${esc(f.recommendation)}</p></li>`,
  );
  return `${head}<ol class="stopship">${items.join('')}</ol>`;
}

function findingsSection(report: AuditReport): string {
  const { findings } = report;
  const categories = report.workflow.systemType.priority.filter((c) => findings.some((f) => f.category === c));
  const options = (values: readonly string[], all: string): string => [`<option value="">${all}</option>`, ...values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`)].join('');
  const severities = SEVERITIES.filter((s) => findings.some((f) => f.severity === s));
  return `<h2 id="findings">Findings <small>${findings.length} in all, every one with the quoted lines it cites</small></h2>
<div class="card filters" role="search">
<label>Severity <select id="filter-severity">${options(severities, 'All')}</select></label>
<label>Category <select id="filter-category">${options(categories, 'All')}</select></label>
<label>Text <input id="filter-text" type="search" placeholder="title, file, code, fix…" autocomplete="off"></label>
<button type="button" id="filter-reset">Reset</button>
<output id="filter-count">${findings.length} of ${findings.length} shown</output>
</div>
<div class="table-wrap"><table class="findings">
<colgroup><col class="c-sev"><col><col class="c-cat"><col class="c-loc"><col class="c-class"></colgroup>
<thead><tr><th>Severity</th><th>Finding</th><th>Category</th><th>Where</th><th>Class</th></tr></thead>
<tbody>
${findings.map(findingRow).join('\n')}
</tbody>
</table></div>
<div class="card empty" id="filter-empty" hidden>No finding matches these filters.</div>`;
}

function findingRow(f: ClassifiedFinding): string {
  const tags = [
    ...(f.change ? [f.change === 'new' ? 'new in this change' : 'pre-existing'] : []),
    ...(f.acceptance ? [f.acceptance.expired ? `acceptance expired ${f.acceptance.expires}` : `accepted by ${f.acceptance.owner}: ${f.acceptance.reason}`] : []),
    `phase ${f.phase}`, `confidence ${f.confidence}`, `effort ${f.effort}`, ...(f.cwe ? [f.cwe] : []), `found by ${sourcesOf(f).replace(/`/g, '')}`, `fingerprint ${f.fingerprint}`];
  const verification = f.verification ? `<p><span class="k">Skeptic pass:</span> ${esc(f.verification.outcome)} by ${esc(f.verification.by)} — ${esc(f.verification.reason)}</p>` : '';
  return `<tr class="finding" id="f-${token(f.fingerprint)}" data-severity="${f.severity}" data-category="${esc(f.category)}" data-fingerprint="${esc(f.fingerprint)}">
<td><span class="sev sev-${f.severity}">${f.severity}</span></td>
<td><details><summary>${esc(f.title)}</summary><div class="detail">
<p>${esc(f.description)}</p>
${f.evidence.map(codeBlock).join('\n')}
<p><span class="k">Impact:</span> ${esc(f.impact)}</p>
<p><span class="k">Fix:</span> ${esc(f.recommendation)}</p>
${verification}<div class="tags">${tags.map(esc).join(' · ')}</div>
</div></details></td>
<td>${esc(f.category)}</td>
<td class="loc">${esc(primaryLocation(f))}${f.evidence.length > 1 ? ` <span class="tags">+${f.evidence.length - 1}</span>` : ''}</td>
<td class="class c-${token(f.launchClass)}">${esc(f.launchClass)}</td>
</tr>`;
}

function codeBlock(e: Evidence): string {
  const lines = e.lines.map((line, i) => `<span class="ln">${e.startLine + i}</span>${esc(line)}`);
  return `<pre class="code"><span class="file">${esc(location(e))}</span><code>${lines.join('\n')}</code></pre>`;
}

function roadmap(report: AuditReport): string {
  const head = '<h2 id="roadmap">Remediation roadmap <small>week by week; re-audit after each week — fixed findings drop out by fingerprint</small></h2>';
  if (report.plan.length === 0) return `${head}<div class="card none">Nothing to remediate.</div>`;
  const weeks = report.plan.map((week) => {
    const items = week.items.slice(0, ROADMAP_ITEMS).map((item) => `<li style="--dot: ${SEVERITY_COLOUR[item.severity]}"><span><a href="#f-${token(item.fingerprint)}">${esc(item.title)}</a> <span class="loc">${esc(item.location)}</span></span></li>`);
    const more = week.items.length > ROADMAP_ITEMS ? `<li class="more" style="--dot: transparent"><span>and ${week.items.length - ROADMAP_ITEMS} more in the findings table</span></li>` : '';
    return `<div class="card week"><h3>Week ${week.week}: ${esc(week.theme)}</h3><div class="hours">${week.items.length} item(s) · ~${esc(week.estimatedHours)} h</div><ul>${items.join('')}${more}</ul></div>`;
  });
  return `${head}<div class="roadmap">${weeks.join('')}</div>`;
}

function coverage(report: AuditReport): string {
  const { coverage: cov } = report;
  const unaudited = report.scores.filter((s) => s.status === 'NOT_AUDITED' || s.status === 'NOT_APPLICABLE');
  const errors = cov.probes.filter((p) => p.status === 'error');
  const ran = cov.probes.filter((p) => p.status === 'ran').length;
  const items = [
    `${cov.filesAudited} files audited; ${ran} probe(s) ran, ${cov.probes.length - ran - errors.length} had nothing to check${errors.length > 0 ? `, ${errors.length} failed` : ''}.`,
    ...(cov.agents.length > 0 ? [`Agents: ${cov.agents.map((a) => `${a.name} ${a.status}`).join(', ')} (model ${cov.model ?? 'unknown'}, $${cov.costUsd.toFixed(4)}).`] : ['Agents did not run: probes only.']),
    ...unaudited.map((s) => `${s.category} — ${STATUS_LABEL[s.status]}: ${s.note}.`),
    ...errors.map((p) => `Probe ${p.id} failed: ${p.error ?? 'unknown error'}.`),
    ...(cov.skipped.length > 0 ? [`${cov.skipped.length} file(s) skipped (size, binary, encoding or symlink).`] : []),
    ...(cov.droppedFindings.length > 0 ? [`${cov.droppedFindings.length} claim(s) dropped: their cited lines did not match the file.`] : []),
  ];
  return `<h2 id="coverage">What was and was not audited</h2><div class="card coverage"><ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>${agentsTable(report)}</div>`;
}

/** Per agent and in total: turns, tokens, cost, and whether the result was new or reused without a model call. */
function agentsTable(report: AuditReport): string {
  const agents = report.coverage.agents;
  if (agents.length === 0) return '';
  const sum = (pick: (a: (typeof agents)[number]) => number): number => agents.reduce((n, a) => n + pick(a), 0);
  const result = (a: (typeof agents)[number]): string =>
    a.reusedFrom ? `reused from the ${a.reusedFrom === 'checkpoint' ? 'run checkpoint' : 'result cache'} ($${a.savedUsd.toFixed(4)} not spent again)` : 'new';
  const rows = agents.map(
    (a) => `<tr><td>${esc(a.name)}</td><td>${esc(a.status)}</td><td>${a.turns}</td><td>${a.inputTokens}</td><td>${a.outputTokens}</td><td>${a.cacheReadTokens}</td><td>$${a.usd.toFixed(4)}</td><td>${esc(result(a))}</td></tr>`,
  );
  const total = `<tr class="total"><td>total</td><td></td><td>${sum((a) => a.turns)}</td><td>${sum((a) => a.inputTokens)}</td><td>${sum((a) => a.outputTokens)}</td><td>${sum((a) => a.cacheReadTokens)}</td><td>$${report.coverage.costUsd.toFixed(4)}</td><td>${agents.filter((a) => a.reusedFrom).length} reused</td></tr>`;
  return `<table class="agents" id="agents"><thead><tr><th>agent</th><th>status</th><th>turns</th><th>input tokens</th><th>output tokens</th><th>prompt cache read</th><th>cost</th><th>result</th></tr></thead><tbody>${rows.join('')}${total}</tbody></table>`;
}
