/**
 * The three tools `npm run bench:quality` compares, each run in this process on the same corpus and
 * each turned into a list of reports: (file, line range, category).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { runSecretLint } from 'secretlint';
import { PROBES } from '../src/probes/registry.js';
import { runProbes } from '../src/probes/run.js';
import { collectRepo } from '../src/repo/collect.js';
import { redactorFor } from '../src/repo/redactor.js';
import type { Corpus, Report } from './quality-labels.js';

export interface ToolRun {
  readonly reports: Report[];
  readonly ms: number;
  /** Things that went wrong without stopping the run (parse errors, probe crashes). */
  readonly notes: string[];
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** prod-audit's deterministic probes, app by app, exactly as an offline audit runs them. */
export async function runProdAudit(corpus: Corpus): Promise<ToolRun> {
  const started = performance.now();
  const reports: Report[] = [];
  const notes: string[] = [];
  for (const app of corpus.apps) {
    const view = await collectRepo(path.join(corpus.root, app), { git: false });
    const run = runProbes(view, PROBES, redactorFor(view));
    for (const outcome of run.outcomes) if (outcome.status === 'error') notes.push(`${app}: probe ${outcome.id} crashed: ${outcome.error}`);
    for (const finding of run.findings) {
      for (const evidence of finding.evidence) {
        reports.push({ file: `${app}/${evidence.file}`, startLine: evidence.startLine, endLine: evidence.endLine, category: finding.category, rule: finding.ruleId });
      }
    }
  }
  return { reports, ms: performance.now() - started, notes };
}

/** The JS/TS files ESLint is pointed at (it has nothing to say about YAML, SQL or Dockerfiles). */
export const ESLINT_FILES = ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.jsx', '**/*.ts', '**/*.tsx'];

/** eslint-plugin-security with every rule on, TS/TSX parsed by @typescript-eslint/parser; every message is Security. */
export async function runEslintSecurity(corpus: Corpus): Promise<ToolRun> {
  const started = performance.now();
  // The plugin ships no type declarations.
  const security = createRequire(import.meta.url)('eslint-plugin-security') as { rules: Record<string, unknown> } & ESLint.Plugin;
  const rules: Linter.RulesRecord = Object.fromEntries(Object.keys(security.rules).sort().map((name) => [`security/${name}`, 'error']));
  const eslint = new ESLint({
    cwd: corpus.root,
    overrideConfigFile: true,
    cache: false,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      {
        files: ESLINT_FILES,
        languageOptions: {
          parser: tsParser as Linter.Parser,
          ecmaVersion: 'latest',
          sourceType: 'module',
          parserOptions: { ecmaFeatures: { jsx: true } },
        },
        plugins: { security },
        rules,
      },
    ],
  });
  const results = await eslint.lintFiles(ESLINT_FILES);
  const reports: Report[] = [];
  const notes: string[] = [];
  for (const result of results) {
    const file = toPosix(path.relative(corpus.root, result.filePath));
    for (const message of result.messages) {
      if (message.fatal || !message.ruleId) {
        notes.push(`${file}:${message.line}: ${message.message}`);
        continue;
      }
      reports.push({ file, startLine: message.line, endLine: message.endLine ?? message.line, category: 'Security', rule: message.ruleId });
    }
  }
  return { reports, ms: performance.now() - started, notes };
}

interface SecretlintJsonResult {
  readonly filePath: string;
  readonly messages: readonly { ruleId: string; loc: { start: { line: number }; end: { line: number } } }[];
}

/** secretlint with its recommended preset over every corpus file; every message is Security. */
export async function runSecretlint(corpus: Corpus): Promise<ToolRun> {
  const started = performance.now();
  const { stdout, stderr } = await runSecretLint({
    cliOptions: { cwd: corpus.root, filePathOrGlobList: corpus.files.map((file) => path.join(corpus.root, file)), noGlob: true },
    engineOptions: {
      cwd: corpus.root,
      formatter: 'json',
      color: false,
      maskSecrets: true,
      configFileJSON: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] },
    },
  });
  const notes = stderr ? [String(stderr)] : [];
  const results = JSON.parse(stdout ?? '[]') as SecretlintJsonResult[];
  const reports: Report[] = results.flatMap((result) =>
    result.messages.map((message) => ({
      file: toPosix(path.relative(corpus.root, result.filePath)),
      startLine: message.loc.start.line,
      endLine: message.loc.end.line,
      category: 'Security' as const,
      rule: message.ruleId,
    })),
  );
  return { reports, ms: performance.now() - started, notes };
}
