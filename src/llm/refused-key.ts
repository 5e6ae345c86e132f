import { UserError } from '../errors.js';
import type { AuditReport } from '../model/report.js';

/** The API's own words, from the note the runtime writes when a run fails: `failed: <Error> <status>: <message>; …`. */
const FAILURE_MESSAGE = /^failed: \w+ \d+: (.*?)(?:; findings so far kept)?$/;

/**
 * When every agent that ran was turned away with 401, the key is wrong: the same for every request, so
 * no retry or later run with it can help, and a probes-only verdict would hide that the agents never ran.
 * Returns the one-line error to stop with, or undefined.
 */
export function refusedKeyError(report: AuditReport): UserError | undefined {
  const ran = report.coverage.agents.filter((run) => run.status !== 'cancelled');
  if (ran.length === 0 || ran.some((run) => run.apiStatus !== 401)) return undefined;
  const words = ran[0]!.notes.map((note) => FAILURE_MESSAGE.exec(note)?.[1]).find((m) => m !== undefined) ?? 'authentication failed';
  return new UserError(`The API refused the key in ANTHROPIC_API_KEY: every agent got 401 (${words}); no report was written`, 'Check the key (and --base-url if you set one), or add --offline for a probes-only audit.');
}
