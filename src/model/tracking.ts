import { z } from 'zod';
import { Acceptance } from './accepted.js';
import { Severity } from './taxonomy.js';

const Fingerprints = z.array(z.string());

/** On a finding: whether it cites a line changed since --since's ref. */
export const ChangeStatus = z.enum(['new', 'pre-existing']);
export type ChangeStatus = z.infer<typeof ChangeStatus>;

/** On a finding: the acceptance that covers it; an expired one no longer does, and says so. */
export const AppliedAcceptance = Acceptance.extend({ expired: z.boolean() });
export type AppliedAcceptance = z.infer<typeof AppliedAcceptance>;

/** Diff mode (--since): what was compared and which findings are new. */
export const ChangeScope = z.object({
  since: z.string(),
  base: z.string().describe('The commit compared against: the merge-base of the ref and HEAD, or the ref when there is none'),
  mergeBase: z.boolean(),
  note: z.string().nullable(),
  changedFiles: z.array(z.string()),
  newFindings: Fingerprints.describe('Findings citing a changed line: they can block'),
  preExisting: Fingerprints.describe('Findings on unchanged lines: they block only with --fail-on …,pre-existing'),
});
export type ChangeScope = z.infer<typeof ChangeScope>;

/** `.prod-audit/accepted.json` as this run applied it. */
export const AcceptedRisks = z.object({
  file: z.string(),
  active: Fingerprints.describe('Accepted findings: acceptable risk, outside the rating and the gate'),
  expired: Fingerprints.describe('Findings whose acceptance has expired: they count and block again'),
  unmatched: Fingerprints.describe('Acceptances whose finding this run did not report (fixed, moved, or out of scope)'),
});
export type AcceptedRisks = z.infer<typeof AcceptedRisks>;

/** This run against the previous report of the same root and scope. */
export const Trends = z.object({
  previous: z.object({
    report: z.string().describe('File name of the previous JSON report'),
    finishedAt: z.iso.datetime(),
    rating: z.string(),
    readinessScore: z.number().int(),
    head: z.string().nullable(),
  }),
  counts: z.object({
    new: z.number().int(),
    fixed: z.number().int(),
    unchanged: z.number().int(),
    accepted: z.number().int().describe('Of the current findings (new or unchanged), how many are accepted risks'),
  }),
  scoreDelta: z.number().int(),
  newFindings: Fingerprints,
  fixed: z.array(z.object({ fingerprint: z.string(), title: z.string(), severity: Severity, location: z.string() })),
  note: z.string().nullable(),
});
export type Trends = z.infer<typeof Trends>;
