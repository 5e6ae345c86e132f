import path from 'node:path';
import { simpleGit } from 'simple-git';
import { UserError } from '../errors.js';
import { Acceptance, isExpired, type AcceptedFile } from '../model/accepted.js';
import { ACCEPTED_PATH, readAcceptedFile, writeAcceptedFile } from '../repo/accepted-file.js';
import { resolveTarget } from '../repo/collect.js';
import { reportsNewestFirst } from './history.js';

export interface AcceptRequest {
  readonly target: string;
  readonly fingerprint: string;
  readonly reason: string;
  readonly owner?: string;
  /** YYYY-MM-DD, the last day the acceptance holds; none for no expiry. */
  readonly expires?: string;
  /** Where the reports are. @default <root>/packages/docs/audits */
  readonly reportsDir?: string;
  readonly now: Date;
}

export interface AcceptOutcome {
  readonly file: string;
  readonly acceptance: Acceptance;
  readonly replaced: boolean;
}

/**
 * Records a person's decision to ship with a finding. The fingerprint must be in the latest report
 * of this root, so a typo cannot silently accept nothing; the file is rewritten atomically.
 */
export async function acceptFinding(request: AcceptRequest): Promise<AcceptOutcome> {
  const root = await resolveTarget(request.target);
  const fingerprint = request.fingerprint.trim().toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(fingerprint)) {
    throw new UserError(`Expected a 16-character hex fingerprint, got "${request.fingerprint}"`, 'Copy it from the "Fingerprint" line of a finding in the report.');
  }
  const flags = { reason: request.reason, owner: request.owner ?? (await defaultOwner(root)), expires: request.expires ?? null };
  const candidate = Acceptance.safeParse({ fingerprint, ...flags, acceptedAt: request.now.toISOString() });
  if (!candidate.success) {
    const issue = candidate.error.issues[0]!;
    const flag = String(issue.path[0]) as keyof typeof flags;
    throw new UserError(`Expected a valid --${flag}: ${issue.message}, got "${flags[flag] ?? ''}"`, 'For example: --reason "Internal tool behind the VPN" --expires 2027-03-31');
  }
  if (isExpired(candidate.data, request.now)) {
    throw new UserError(`--expires ${request.expires} is already past`, 'Give a date from today on, or none for no expiry.');
  }
  const title = await titleInLatestReport(root, fingerprint, request.reportsDir ?? path.join(root, 'packages', 'docs', 'audits'));
  const acceptance: Acceptance = { ...candidate.data, title };
  const existing = (await readAcceptedFile(root)) ?? { version: 1, accepted: [] };
  const replaced = existing.accepted.some((a) => a.fingerprint === fingerprint);
  const next: AcceptedFile = { version: 1, accepted: [...existing.accepted.filter((a) => a.fingerprint !== fingerprint), acceptance] };
  const file = await writeAcceptedFile(root, next);
  return { file, acceptance, replaced };
}

async function titleInLatestReport(root: string, fingerprint: string, dir: string): Promise<string> {
  const name = path.basename(root);
  for await (const { file, report } of reportsNewestFirst(dir)) {
    if (report.target.name !== name) continue;
    const finding = report.findings.find((f) => f.fingerprint === fingerprint);
    if (finding) return finding.title;
    throw new UserError(`Fingerprint ${fingerprint} is not in the latest report (${file}, ${report.findings.length} findings)`, `Copy it from that report's "Fingerprint" lines, or audit again first; nothing was written to ${ACCEPTED_PATH}.`);
  }
  throw new UserError(`No audit report of ${name} in ${dir} to check the fingerprint against`, 'Run "prod-audit audit" first, or give --out DIR where its reports are.');
}

/** The person accepting: git's user.name when set, else the login name. */
async function defaultOwner(root: string): Promise<string> {
  const configured = await simpleGit({ baseDir: root }).getConfig('user.name').then((c) => c.value?.trim(), () => undefined);
  return configured || process.env.USER || process.env.USERNAME || 'unknown';
}
