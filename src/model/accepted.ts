import { z } from 'zod';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a real calendar date');

/** One accepted risk: a person's decision, with a reason and an owner, that a finding may ship. */
export const Acceptance = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'expected a 16-character hex fingerprint from a report'),
  reason: z.string().trim().min(1, 'a reason is required'),
  owner: z.string().trim().min(1, 'an owner is required'),
  /** The last day (UTC) the acceptance holds; null for no expiry. */
  expires: Day.nullable(),
  acceptedAt: z.iso.datetime(),
  /** The finding's title when it was accepted, for people reading the file. */
  title: z.string().optional(),
});
export type Acceptance = z.infer<typeof Acceptance>;

/** `.prod-audit/accepted.json` in the audited root. */
export const AcceptedFile = z
  .object({ version: z.literal(1), accepted: z.array(Acceptance) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.accepted.forEach((a, i) => {
      if (seen.has(a.fingerprint)) ctx.addIssue({ code: 'custom', path: ['accepted', i, 'fingerprint'], message: `fingerprint ${a.fingerprint} is listed twice` });
      seen.add(a.fingerprint);
    });
  });
export type AcceptedFile = z.infer<typeof AcceptedFile>;

/** An acceptance holds through the whole of its expiry day, in UTC. */
export function isExpired(acceptance: Acceptance, now: Date): boolean {
  if (acceptance.expires === null) return false;
  return now.getTime() >= Date.parse(`${acceptance.expires}T00:00:00Z`) + 24 * 3600 * 1000;
}
