import type { DataSensitivity, LaunchContext, LaunchType, Strictness } from '../model/context.js';

const LAUNCH_TYPES: readonly [LaunchType, RegExp][] = [
  ['paid', /\b(paid|paying|revenue|monetis|monetiz|subscription|billing|checkout|pricing|charge customers|e-?commerce|store launch|GA for customers)/i],
  ['public', /\b(public|general availability|\bGA\b|launch(?:ing)? to (?:everyone|all users)|open to all|production launch|go[- ]live|app store|product hunt)/i],
  ['beta', /\b(beta|pilot|early access|preview|alpha|soft launch|limited release|design partners?|invite[- ]only|waitlist|canary)/i],
  ['internal', /\b(internal|employees|staff|team only|in-house|intranet|admin tool|back-?office|dogfood)/i],
];

const SENSITIVITY: readonly [DataSensitivity, RegExp][] = [
  ['health', /\b(health|medical|patient|hipaa|phi\b|clinic)/i],
  ['financial', /\b(payment|card|stripe|bank|financ|money|wallet|invoice|billing|pci|ledger|payroll)/i],
  ['personal', /\b(pii|personal data|gdpr|user data|customer data|email addresses|profiles?|accounts?|sign[- ]?ups?|users?)\b/i],
];

/** "~5k MAU", "10,000 users", "2 million customers", "500 beta testers". */
const AUDIENCE = /~?\s*(\d+(?:[.,]\d+)*)\s*(k|m|thousand|million)?\+?\s*(?:mau|dau|users?|customers?|people|visitors|testers|accounts|seats|requests)/i;

export const DEFAULT_CONTEXT_NOTE = 'No launch context given: medium strictness (CRITICAL findings stop the ship; pass --context to tune).';

/** Phase 1: turns the free-text launch context into a risk profile, a strictness and stop-ship rules. */
export function parseLaunchContext(text: string | undefined): LaunchContext {
  const raw = (text ?? '').trim();
  const rationale: string[] = [];
  const launchType = LAUNCH_TYPES.find(([, pattern]) => pattern.test(raw))?.[0] ?? null;
  const audienceSize = parseAudience(raw);
  const dataSensitivity = SENSITIVITY.find(([, pattern]) => pattern.test(raw))?.[0] ?? 'low';
  const revenueImpact = launchType === 'paid' || dataSensitivity === 'financial';

  let strictness: Strictness = 'medium';
  if (raw === '') rationale.push(DEFAULT_CONTEXT_NOTE);
  else if (!launchType && audienceSize === null && dataSensitivity === 'low') {
    rationale.push(`Could not read a launch type, audience or data sensitivity from "${raw.slice(0, 80)}": using medium strictness.`);
  }
  if (launchType === 'internal') {
    strictness = 'low';
    rationale.push('Internal launch: only critical findings stop the ship.');
  } else if (launchType === 'beta') {
    strictness = 'medium';
    rationale.push('Beta launch: critical findings stop the ship, high ones must be fixed soon.');
  } else if (launchType === 'public' || launchType === 'paid') {
    strictness = 'high';
    rationale.push(`${launchType === 'paid' ? 'Paid' : 'Public'} launch: confirmed high-severity findings stop the ship too.`);
  }
  if (audienceSize !== null && audienceSize >= 1000 && strictness !== 'high') {
    strictness = 'high';
    rationale.push(`Audience of ~${audienceSize.toLocaleString('en-US')}: raised to high strictness.`);
  }
  if ((dataSensitivity === 'financial' || dataSensitivity === 'health') && strictness !== 'high') {
    strictness = 'high';
    rationale.push(`${dataSensitivity === 'health' ? 'Health' : 'Financial'} data: raised to high strictness.`);
  }
  return { text: raw, launchType, audienceSize, revenueImpact, dataSensitivity, strictness, rationale, stopShipCriteria: stopShipCriteria(strictness) };
}

function parseAudience(text: string): number | null {
  const match = AUDIENCE.exec(text);
  if (!match) return null;
  const value = Number(match[1]!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return null;
  const unit = match[2]?.toLowerCase();
  const multiplier = unit === 'k' || unit === 'thousand' ? 1_000 : unit === 'm' || unit === 'million' ? 1_000_000 : 1;
  return Math.round(value * multiplier);
}

export function stopShipCriteria(strictness: Strictness): string[] {
  const criteria = ['Any CRITICAL finding (data loss, security breach, financial loss or total feature failure likely).'];
  if (strictness === 'high') criteria.push('Any HIGH finding reported with high confidence.');
  criteria.push('Any category scored FAIL, or more than three scored PARTIAL.');
  return criteria;
}
