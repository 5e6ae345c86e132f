import type { SourceFile } from '../../repo/view.js';
import { defineProbe, type Hit } from '../types.js';

const WORKFLOW = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
/** Event fields anyone can write: titles, bodies, comments, branch names, commit messages, author names. */
const UNTRUSTED =
  /\$\{\{[^}]*?\bgithub\.(?:head_ref|event\.(?:issue\.(?:title|body)|pull_request\.(?:title|body|head\.(?:ref|label|repo\.default_branch))|comment\.body|review\.body|review_comment\.body|discussion\.(?:title|body)|pages\b[^}]*\.page_name|commits\b[^}]*\.(?:message|author\.(?:email|name))|head_commit\.(?:message|author\.(?:email|name))|workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.(?:email|name)))))\b/;
/**
 * Triggers that run the base repository's workflow with its secrets and a write token on input from outsiders.
 * `pull_request` and `push` run the contributor's own code anyway, so splicing their text into it gains them nothing.
 */
const PRIVILEGED_TRIGGERS = new Set(['issues', 'issue_comment', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment', 'discussion', 'discussion_comment', 'workflow_run', 'gollum']);
/** A checkout `ref:` or a git/gh command that fetches the contributor's head commit. */
const HEAD_CHECKOUT =
  /^\s*(?:-\s+)?ref:\s*["']?(?:.*\$\{\{\s*github\.(?:event\.pull_request\.head\.(?:sha|ref)|head_ref)\s*\}\}|refs\/pull\/.*\/(?:merge|head))|\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout|switch)\b.*(?:pull_request\.head\.sha|refs\/pull\/)/;
/** Jobs limited to pull requests from branches of the repository itself, whose authors already have write access. */
const SAME_REPO_ONLY = /head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork/;
const SCRIPT_KEY = /^(\s*(?:-\s+)?)(run|script):\s*(.*)$/;
const EXPRESSION = /\$\{\{[^}]*\}\}/g;

export default defineProbe({
  meta: {
    id: 'github-actions-script-injection',
    title: 'GitHub Actions workflow runs attacker-controlled text or code',
    category: 'Security',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-78',
    confidence: 'high',
    description: 'A workflow triggered by issues, comments or pull_request_target splices `${{ github.event… }}` text (titles, bodies, branch names) into a `run:` script, or checks out the pull request’s head code.',
    impact: 'Anyone who can open an issue or pull request can run commands in CI with the repository’s secrets and a write token: steal credentials, push code, publish releases.',
    remediation: 'Pass event fields through `env:` and use them quoted (`"$TITLE"`), and never check out or build pull-request head code in a pull_request_target workflow (use `pull_request`, or a separate unprivileged workflow).',
    effort: 'hours',
  },
  applies: (ctx) => workflows(ctx.files(['yaml'])).length > 0,
  detect(ctx) {
    return workflows(ctx.files(['yaml'])).flatMap((file) => {
      const triggers = triggersOf(file.lines);
      if (![...triggers].some((t) => PRIVILEGED_TRIGGERS.has(t))) return [];
      const checksOutHead = triggers.has('pull_request_target') && !SAME_REPO_ONLY.test(file.text);
      return [...scriptInjections(file), ...(checksOutHead ? headCheckouts(file) : [])];
    });
  },
});

function workflows(files: SourceFile[]): SourceFile[] {
  return files.filter((file) => WORKFLOW.test(file.path));
}

/** Event names under the top-level `on:` key, in its scalar, list or mapping form. */
function triggersOf(lines: readonly string[]): Set<string> {
  const triggers = new Set<string>();
  const start = lines.findIndex((line) => /^["']?(?:on|true)["']?:/.test(line));
  if (start < 0) return triggers;
  const inline = lines[start]!.replace(/^["']?(?:on|true)["']?:/, '').replace(/#.*$/, '').trim();
  for (const word of inline.match(/[\w-]+/g) ?? []) triggers.add(word);
  for (let i = start + 1; i < lines.length && !/^\S/.test(lines[i]!); i++) {
    const key = /^\s+(?:-\s+)?([\w-]+)\s*:?\s*(?:#.*)?$|^\s+([\w-]+):/.exec(lines[i]!);
    const indent = lines[i]!.length - lines[i]!.trimStart().length;
    // Only the first nesting level names events; deeper keys are their filters (branches, types).
    if (key && indent <= firstIndent(lines, start)) triggers.add(key[1] ?? key[2]!);
  }
  return triggers;
}

function firstIndent(lines: readonly string[], start: number): number {
  const next = lines.slice(start + 1).find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  return next ? next.length - next.trimStart().length : 0;
}

/** Lines of `run:` and github-script `script:` values (inline or block) that expand an untrusted expression. */
function scriptInjections(file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  const lines = file.lines;
  for (let i = 0; i < lines.length; i++) {
    const match = SCRIPT_KEY.exec(lines[i]!);
    if (!match) continue;
    const keyIndent = match[1]!.length;
    const body = [i];
    // A block scalar (`|`, `>-`) or a folded plain scalar continues while lines are indented deeper than the key.
    for (let j = i + 1; j < lines.length && (lines[j]!.trim() === '' || indentOf(lines[j]!) > keyIndent); j++) body.push(j);
    for (const index of body) {
      const text = index === i ? match[3]! : lines[index]!;
      const expression = text.match(EXPRESSION)?.find((e) => UNTRUSTED.test(e));
      if (expression) hits.push({ file, line: index + 1, message: `\`${expression}\` is pasted into the ${match[2] === 'run' ? 'shell script' : 'github-script code'} before it runs, so whoever writes that text writes code.` });
    }
    i = body.at(-1)!;
  }
  return hits;
}

function headCheckouts(file: SourceFile): Hit[] {
  return file.lines.flatMap((line, index) =>
    HEAD_CHECKOUT.test(line) ? [{ file, line: index + 1, message: 'This pull_request_target workflow checks out the pull request’s head code, which then runs with the base repository’s secrets and write token.' }] : [],
  );
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
