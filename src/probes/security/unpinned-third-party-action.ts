import { defineProbe, type Hit } from '../types.js';

const WORKFLOW = /(?:^|\/)\.github\/(?:workflows\/[^/]+|actions\/.+\/action)\.ya?ml$/;
/** `uses: owner/repo[/path]@ref` in a step or a reusable-workflow call. */
const USES = /^\s*(?:-\s+)?uses:\s*["']?([\w.-]+)\/([\w./-]+)@([^\s"'#]+)/;
/** Actions published by GitHub itself: a compromise there is out of the repository's hands anyway. */
const FIRST_PARTY = /^(?:actions|github)$/i;
const BRANCH = /^(?:main|master|dev|develop|trunk|latest|stable|release|HEAD|nightly|edge|canary)$/i;

export default defineProbe({
  meta: {
    id: 'unpinned-third-party-action',
    title: 'Third-party GitHub Action not pinned to a commit',
    category: 'Security',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-829',
    confidence: 'high',
    description: 'A workflow runs a third-party action by a branch or tag (`@main`, `@v2`) instead of a full commit SHA.',
    impact: 'Whoever controls the action’s repository (its owner, or an attacker who takes it over) changes the code that runs in CI with the workflow’s secrets and token, as happened with tj-actions/changed-files.',
    remediation: 'Pin the action to a full 40-character commit SHA (`uses: owner/action@<sha> # v2.1.0`) and let Dependabot or Renovate propose updates.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['yaml']).some((file) => WORKFLOW.test(file.path)),
  detect(ctx) {
    return ctx
      .files(['yaml'], ['uses:'])
      .filter((file) => WORKFLOW.test(file.path))
      .flatMap((file) =>
        file.lines.flatMap((line, index): Hit[] => {
          const match = USES.exec(line);
          if (!match || FIRST_PARTY.test(match[1]!) || /^[0-9a-f]{40}$/i.test(match[3]!)) return [];
          const [, owner, repo, ref] = match;
          const branch = BRANCH.test(ref!);
          return [
            {
              file,
              line: index + 1,
              severity: branch ? 'HIGH' : 'MEDIUM',
              message: `${owner}/${repo} runs at ${branch ? 'the moving branch' : 'the mutable tag'} @${ref}, so its owner can change what runs with this workflow's secrets.`,
            },
          ];
        }),
      );
  },
});
