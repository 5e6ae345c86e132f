import { UserError } from '../errors.js';
import type { AuditReport } from '../model/report.js';

/** The note an agent run carries when the API turned its key away (runtime's one line for an AuthenticationError). */
const KEY_REFUSED = /^failed: AuthenticationError 401: (.*?)(?:; findings so far kept)?$/;

/**
 * When every agent that ran was turned away with 401, the key is wrong: the same for every request, so
 * no retry or later run with it can help, and a probes-only verdict would hide that the agents never ran.
 * Returns the one-line error to stop with, or undefined.
 */
export function refusedKeyError(report: AuditReport): UserError | undefined {
  const ran = report.coverage.agents.filter((run) => run.status !== 'cancelled');
  const refusals = ran.map((run) => run.notes.map((note) => KEY_REFUSED.exec(note)?.[1]).find((m) => m !== undefined));
  if (ran.length === 0 || refusals.some((r) => r === undefined)) return undefined;
  return new UserError(`The API refused the key in ANTHROPIC_API_KEY: every agent got 401 (${refusals[0]}); no report was written`, 'Check the key (and --base-url if you set one), or add --offline for a probes-only audit.');
}
