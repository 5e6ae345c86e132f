/**
 * `npm run bench:quality`: recall and precision of prod-audit's deterministic probes on the labelled
 * corpora, next to eslint-plugin-security and secretlint run on the same files in the same process:
 * bench/corpus/ (the development corpus, which the probes were written against) and bench/corpus-holdout/
 * (written without reading the probes and never tuned on: the honest estimate for unseen code). Prints one
 * table per category and overall; `-- --details` also lists every vuln prod-audit misses and every false
 * positive it reports, and `-- --only development|holdout` scores one corpus. A benchmark, not a test: it
 * always exits 0.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CATEGORIES, type Category } from '../src/model/taxonomy.js';
import { PROBES } from '../src/probes/registry.js';
import { copyWithoutLabels, precision, readCorpus, recall, score, tally, type Label, type Report, type Score, type Tally } from './quality-labels.js';
import { runEslintSecurity, runProdAudit, runSecretlint, type ToolRun } from './quality-tools.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const CORPORA = [
  { name: 'development', root: path.join(here, 'corpus'), title: 'Development corpus (bench/corpus/): the probes were written against it' },
  { name: 'holdout', root: path.join(here, 'corpus-holdout'), title: 'Held-out corpus (bench/corpus-holdout/): written without reading the probes, never tuned on' },
];
const details = process.argv.includes('--details');
// `--only development` lets work on the probes look at the development corpus without seeing held-out results.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;

async function main(corpusRoot: string, title: string): Promise<void> {
  const corpus = await readCorpus(corpusRoot);
  let lines = 0;
  for (const file of corpus.files) lines += (await fs.readFile(path.join(corpusRoot, file), 'utf8')).split('\n').length;

  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'prod-audit-quality-'));
  let runs: Record<'prodAudit' | 'eslint' | 'secretlint', ToolRun>;
  try {
    const bare = await copyWithoutLabels(corpus, scratch);
    runs = { prodAudit: await runProdAudit(bare), eslint: await runEslintSecurity(bare), secretlint: await runSecretlint(bare) };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  const labels = corpus.labels;
  const scores = {
    prodAudit: score(labels, runs.prodAudit.reports),
    eslint: score(labels, runs.eslint.reports),
    secretlint: score(labels, runs.secretlint.reports),
    union: score(labels, [...runs.eslint.reports, ...runs.secretlint.reports]),
  };
  const tools = [
    { name: 'prod-audit', score: scores.prodAudit },
    { name: 'eslint-security', score: scores.eslint },
    { name: 'secretlint', score: scores.secretlint },
    { name: 'union of the two competitors', score: scores.union },
  ];

  const vulns = labels.filter((l) => l.kind === 'vuln').length;
  const cpu = os.cpus();
  console.log(
    `\n# ${title}\n\nprod-audit quality benchmark — ${cpu.length} × ${cpu[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${PROBES.length} probes`,
  );
  console.log(
    `corpus: ${corpus.apps.length} apps, ${corpus.files.length} files, ${lines} lines, ${labels.length} labels (${vulns} vulns, ${labels.length - vulns} traps); ` +
      `a report matches a labelled line within ±1 line\n`,
  );
  for (const problem of corpus.problems) console.log(`label problem: ${problem}`);

  // Per category: recall and precision of each tool.
  const header = ['category', 'vulns', 'traps', ...tools.flatMap((t) => [`${t.name} recall`, `${t.name} precision`])];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`);
  const row = (name: string, category?: Category): string => {
    const traps = labels.filter((l) => l.kind === 'safe' && (category === undefined || l.category === category)).length;
    const cells = tools.flatMap((t) => {
      const counts = tally(labels, t.score, category);
      return [pct(recall(counts), counts.tp, counts.vulns), pct(precision(counts), counts.tp, counts.tp + counts.fpTrap + counts.fpUnlabeled)];
    });
    const base = tally(labels, scores.prodAudit, category);
    return `| ${name} | ${base.vulns} | ${traps} | ${cells.join(' | ')} |`;
  };
  for (const category of CATEGORIES) console.log(row(category, category));
  console.log(row('**overall**'));

  // Per tool: where the false positives fall, and the time each took.
  console.log('\n| tool | reports | vulns found | FP on traps | FP on unlabelled lines | recall | precision | time s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const times: Record<string, number> = {
    'prod-audit': runs.prodAudit.ms,
    'eslint-security': runs.eslint.ms,
    secretlint: runs.secretlint.ms,
    'union of the two competitors': runs.eslint.ms + runs.secretlint.ms,
  };
  for (const t of tools) {
    const c: Tally = tally(labels, t.score);
    console.log(
      `| ${t.name} | ${t.score.reports} | ${c.tp}/${c.vulns} | ${c.fpTrap} | ${c.fpUnlabeled} | ${pct(recall(c))} | ${pct(precision(c))} | ${((times[t.name] ?? 0) / 1000).toFixed(2)} |`,
    );
  }

  const notes = [...runs.prodAudit.notes, ...runs.eslint.notes.map((n) => `eslint: ${n}`), ...runs.secretlint.notes.map((n) => `secretlint: ${n}`)];
  if (notes.length > 0) console.log(`\nTool notes:\n${notes.join('\n')}`);

  if (details) {
    printMisses('prod-audit misses', scores.prodAudit);
    printFalsePositives('prod-audit false positives', scores.prodAudit);
    printFalsePositives('eslint-security false positives (by rule)', scores.eslint, true);
    printFalsePositives('secretlint false positives', scores.secretlint);
    printFound('competitors found, prod-audit missed', scores.union, scores.prodAudit);
  } else {
    console.log('\n(`npm run bench:quality -- --details` lists every miss and false positive.)');
  }
}

function pct(value: number | null, numerator?: number, denominator?: number): string {
  if (value === null) return '—';
  const share = `${(value * 100).toFixed(0)}%`;
  return numerator === undefined ? share : `${share} (${numerator}/${denominator})`;
}

function where(label: Label | Report): string {
  return 'line' in label ? `${label.file}:${label.line}` : label.startLine === label.endLine ? `${label.file}:${label.startLine}` : `${label.file}:${label.startLine}-${label.endLine}`;
}

function codeAt(label: Label): string {
  return snippets.get(`${label.file}:${label.line}`) ?? '';
}

const snippets = new Map<string, string>();
async function loadSnippets(corpusRoot: string, labels: readonly Label[]): Promise<void> {
  const byFile = new Map<string, string[]>();
  for (const label of labels) {
    if (!byFile.has(label.file)) byFile.set(label.file, (await fs.readFile(path.join(corpusRoot, label.file), 'utf8')).split(/\r?\n/));
    const text = byFile.get(label.file)![label.line - 1] ?? '';
    snippets.set(`${label.file}:${label.line}`, text.trim().slice(0, 110));
  }
}

function printMisses(title: string, result: Score): void {
  console.log(`\n## ${title} (${result.missed.length})`);
  for (const category of CATEGORIES) {
    const missed = result.missed.filter((l) => l.category === category);
    if (missed.length === 0) continue;
    console.log(`\n${category} (${missed.length})`);
    for (const label of missed) console.log(`- ${where(label)}  ${codeAt(label)}`);
  }
}

function printFalsePositives(title: string, result: Score, byRuleOnly = false): void {
  console.log(`\n## ${title} (${result.falsePositives.length})`);
  const byRule = new Map<string, { report: Report; kind: string }[]>();
  for (const fp of result.falsePositives) byRule.set(fp.report.rule, [...(byRule.get(fp.report.rule) ?? []), fp]);
  for (const [rule, fps] of [...byRule.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
    console.log(`\n${rule} (${fps.length}: ${fps.filter((f) => f.kind === 'trap').length} on traps)`);
    if (byRuleOnly) continue;
    for (const fp of fps) console.log(`- ${where(fp.report)} [${fp.report.category}] ${fp.kind === 'trap' ? 'trap' : 'unlabelled'}`);
  }
}

function printFound(title: string, union: Score, prodAudit: Score): void {
  const labels = [...union.found.keys()].filter((label) => !prodAudit.found.has(label));
  console.log(`\n## ${title} (${labels.length})`);
  for (const label of labels) console.log(`- ${where(label)} [${label.category}] ${union.found.get(label)!.map((r) => r.rule).join(', ')}  ${codeAt(label)}`);
}

try {
  for (const { name, root, title } of CORPORA) {
    if (only !== undefined && only !== name) continue;
    await loadSnippets(root, (await readCorpus(root)).labels);
    await main(root, title);
  }
} catch (error) {
  console.error(`bench:quality failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
process.exitCode = 0;
