import { isExpired, type AcceptedFile, type Acceptance } from '../model/accepted.js';
import type { ClassifiedFinding, Finding } from '../model/finding.js';
import type { AcceptedRisks, ChangeScope } from '../model/tracking.js';
import { ACCEPTED_PATH } from '../repo/accepted-file.js';
import { touchesChange, type ChangeSet } from '../repo/diff.js';

/** Where each finding stands beyond its severity: new or pre-existing (diff mode), accepted or not. */
export class Standing {
  private readonly acceptances: ReadonlyMap<string, Acceptance>;

  constructor(
    readonly changes: ChangeSet | undefined,
    readonly accepted: AcceptedFile | null,
    private readonly now: Date,
  ) {
    this.acceptances = new Map((accepted?.accepted ?? []).map((a) => [a.fingerprint, a]));
  }

  /** A finding is new when any line it cites was added or edited since the ref. */
  isNew(finding: Finding): boolean {
    return !this.changes || finding.evidence.some((e) => touchesChange(this.changes!, e.file, e.startLine, e.endLine));
  }

  isAccepted(finding: Finding): boolean {
    const acceptance = this.acceptances.get(finding.fingerprint);
    return acceptance !== undefined && !isExpired(acceptance, this.now);
  }

  /** Whether a finding may stop the run at the gate: accepted ones never; pre-existing ones only when asked. */
  gates(finding: Finding, preExisting: boolean): boolean {
    return !this.isAccepted(finding) && (preExisting || this.isNew(finding));
  }

  /** Fingerprints of the findings under an unexpired acceptance. */
  acceptedAmong(findings: readonly Finding[]): Set<string> {
    return new Set(findings.filter((f) => this.isAccepted(f)).map((f) => f.fingerprint));
  }

  annotate(findings: readonly ClassifiedFinding[]): ClassifiedFinding[] {
    return findings.map((finding) => {
      const acceptance = this.acceptances.get(finding.fingerprint);
      return {
        ...finding,
        ...(this.changes ? { change: this.isNew(finding) ? ('new' as const) : ('pre-existing' as const) } : {}),
        ...(acceptance ? { acceptance: { ...acceptance, expired: isExpired(acceptance, this.now) } } : {}),
      };
    });
  }

  changeScope(findings: readonly ClassifiedFinding[]): ChangeScope | null {
    if (!this.changes) return null;
    const { since, base, mergeBase, note, files } = this.changes;
    return {
      since,
      base,
      mergeBase,
      note,
      changedFiles: [...files.keys()].sort(),
      newFindings: findings.filter((f) => f.change === 'new').map((f) => f.fingerprint),
      preExisting: findings.filter((f) => f.change === 'pre-existing').map((f) => f.fingerprint),
    };
  }

  acceptedRisks(findings: readonly ClassifiedFinding[]): AcceptedRisks | null {
    if (!this.accepted) return null;
    const reported = new Set(findings.map((f) => f.fingerprint));
    const withAcceptance = findings.filter((f) => f.acceptance);
    return {
      file: ACCEPTED_PATH,
      active: withAcceptance.filter((f) => !f.acceptance!.expired).map((f) => f.fingerprint),
      expired: withAcceptance.filter((f) => f.acceptance!.expired).map((f) => f.fingerprint),
      unmatched: [...this.acceptances.keys()].filter((fp) => !reported.has(fp)),
    };
  }
}
