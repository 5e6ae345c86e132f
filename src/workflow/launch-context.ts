import type { DataSensitivity, LaunchContext, LaunchType, Strictness } from '../model/context.js';

/**
 * Phase 1 reads a sentence a person typed ("First public launch, ~5k MAU"), so every rule below is a
 * plain, ordered regular expression: the result must be reproducible and explainable line by line.
 */

/** Most exposed first: when several match ("internal beta", "public beta") the most exposed wins — default to pessimism. */
const LAUNCH_TYPES: readonly [LaunchType, RegExp][] = [
  ['paid', /\b(?:paid|paying|revenue|monetis\w*|monetiz\w*|subscriptions?|pricing|black friday|cyber monday|(?:flash |holiday )?sale|b2b|enterprise customers?|e-?commerce|store launch|charge customers)\b/gi],
  ['public', /\b(?:public(?:ly)?|general availability|GA|go(?:ing)?[- ]live|launch(?:ing)? to (?:everyone|all users|the public)|open to (?:all|everyone|the public)|production launch|app ?store|play store|product ?hunt|hacker news|show hn|open[- ]?sourc\w*)\b/gi],
  ['beta', /\b(?:beta|pilot|early access|preview|alpha|soft[- ]launch\w*|limited (?:release|rollout)|design partners?|invite[- ]only|waitlist|canary|staged rollout|friends and family)\b/gi],
  ['internal', /\b(?:internal|employees|staff|team only|in-house|intranet|admin (?:tool|panel|dashboard)|back-?office|dogfood\w*|colleagues|coworkers)\b/gi],
];

/** Most sensitive first: the regulation that applies is set by the most sensitive data in play. */
const SENSITIVITY: readonly [Exclude<DataSensitivity, 'low'>, RegExp][] = [
  ['health', /\b(?:health|medical|patients?|hipaa|phi|clinic\w*|hospital\w*)\b/gi],
  ['financial', /\b(?:payments?|cards?|stripe|paypal|bank\w*|financ\w*|money|wallets?|invoic\w*|billing|pci|ledger|payroll|paying|subscriptions?|checkout)\b/gi],
  ['personal', /\b(?:pii|personal (?:data|info\w*)|gdpr|user data|customer data|e-?mail addresses|profiles?|accounts?|sign[- ]?ups?|minors|children)\b/gi],
];

// A number as people type it: 5000, 5,000, 5.000 (grouping), 1.5, then an optional unit (5k, 2M, 1.5 million).
const NUMBER = String.raw`(\d{1,3}(?:[,.]\d{3})+(?!\d)|\d+(?:\.\d+)?)\s*(k|mm|m|bn|b|thousand|million|mln|mil|billion)?\b`;
// Or in words: "a few thousand", "thousands of", "a million".
const WORDS = String.raw`(?:(?:a|one|a few|several)\s+)?(hundred|thousand|million)s?(?:\s+of)?`;
/** People, not traffic: requests are load, read separately below. */
const PEOPLE = String.raw`(?:mau|dau|wau|users?|customers?|clients?|people|visitors|testers|accounts|seats|members|partners|employees|staff|subscribers|patients|developers|merchants|sellers|buyers|shoppers|students|players|companies|organi[sz]ations|orgs|tenants|teams)`;
/** Up to two describing words ("paying", "monthly active"), never a unit of time: "in 2 weeks, users…" is not 2 users. */
const FILLER = String.raw`(?:(?!(?:x|days?|weeks?|months?|years?|hours?|minutes?)\b)[a-z][a-z-]*\s+){0,2}?`;
const AUDIENCE = new RegExp(String.raw`(?<![\w.,])~?\s*(?:${NUMBER}|${WORDS})\+?\s*${FILLER}${PEOPLE}\b`, 'i');
const AUDIENCE_AFTER = new RegExp(String.raw`\b(?:mau|dau|users|audience)\s*(?:of|:|=|~|≈)?\s*~?\s*${NUMBER}`, 'i');
const LOAD = new RegExp(String.raw`(?<![\w.,])~?\s*${NUMBER}\s*(?:api\s+)?(?:requests?|reqs?|calls|rps|qps|events)\s*(?:(?:\/|per|a)\s*(sec\w*|s|min\w*|hour|hr|day|month))?`, 'i');
const SPIKE = /\b(\d+(?:\.\d+)?)\s*x\s+(?:the\s+)?(?:usual\s+|normal\s+)?(?:traffic|load|users|requests)|\btraffic spikes?\b/i;

/** Words that put stored data (not just uptime) at stake when something goes wrong. */
const DATA_AT_STAKE = /\b(?:b2b|saas|enterprise|records?|patients?|migrat\w*|customer data|documents|uploads?|backups?)\b/i;
/** The person says the launch is not decided; still the default, but the rationale says why. */
const UNDECIDED = /\b(?:no idea|not sure|unsure|unknown|tbd|tba|undecided|don'?t know|not decided)\b/i;
/** A match right after one of these is negated: "no payments yet", "non-paying users", "not public". */
const NEGATION = /\b(?:no|not|without|never|free of|non)[- ]?(?:\w+\s+)?$/i;

const UNITS: Record<string, number> = { k: 1e3, thousand: 1e3, hundred: 100, m: 1e6, mm: 1e6, million: 1e6, mln: 1e6, mil: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };
const QUOTE_CHARS = 80;

export const DEFAULT_CONTEXT_NOTE = 'No launch context given: medium strictness (CRITICAL findings stop the ship; pass --context to tune).';

/** internal: only CRITICAL stops; beta: CRITICAL stops, HIGH is fixed soon; public/paid: confident HIGH stops too (verdict/classify.ts). */
const BASE_STRICTNESS: Record<LaunchType, Strictness> = { internal: 'low', beta: 'medium', public: 'high', paid: 'high' };

/** Phase 1: turns the free-text launch context into a risk profile, a strictness and stop-ship rules. */
export function parseLaunchContext(text: string | undefined): LaunchContext {
  const raw = (text ?? '').trim();
  const type = firstMatch(LAUNCH_TYPES, raw);
  const sensitivity = firstMatch(SENSITIVITY, raw);
  const audience = readAudience(raw);
  const launchType = type?.[0] ?? null;
  const dataSensitivity = sensitivity?.[0] ?? 'low';
  const revenueImpact = launchType === 'paid' || dataSensitivity === 'financial';

  const rationale: string[] = [];
  let strictness: Strictness = launchType ? BASE_STRICTNESS[launchType] : 'medium';
  const raise = (why: string): void => {
    rationale.push(strictness === 'high' ? `${why}.` : `${why}: raised to high strictness.`);
    strictness = 'high';
  };

  if (raw === '') rationale.push(DEFAULT_CONTEXT_NOTE);
  else if (!type && !audience && !sensitivity) rationale.push(unreadable(raw));
  // States the launch type's own strictness; a raise below says so on its own line, so no line contradicts another.
  if (type) rationale.push(`Read "${type[1]}" as a${type[0] === 'internal' ? 'n' : ''} ${type[0]} launch: ${BASE_STRICTNESS[type[0]]} strictness.`);
  // 1,000 people is where "we will hear about it and fix it" stops being a plan.
  if (audience) {
    const line = `Audience ~${audience.size.toLocaleString('en-US')} (read from "${audience.phrase}")`;
    if (audience.size >= 1000) raise(line);
    else rationale.push(`${line}.`);
  }
  if (sensitivity) {
    const line = `${capitalise(sensitivity[0])} data (read from "${sensitivity[1]}")`;
    if (sensitivity[0] === 'personal') rationale.push(`${line}.`);
    else raise(line);
  }
  const radius = blastRadius(raw, launchType, dataSensitivity, revenueImpact, audience?.size ?? null);
  if (radius.length > 0) rationale.push(`Blast radius: ${radius.join('; ')}.`);

  return { text: raw, launchType, audienceSize: audience?.size ?? null, revenueImpact, dataSensitivity, strictness, rationale, stopShipCriteria: stopShipCriteria(strictness) };
}

/** What failure would cost, named the way the plugin's phase 1 names it: revenue, data loss, security breach, downtime. */
function blastRadius(raw: string, launchType: LaunchType | null, sensitivity: DataSensitivity, revenue: boolean, audience: number | null): string[] {
  const radius: string[] = [];
  if (revenue) radius.push('revenue (failed or duplicate charges)');
  if (sensitivity === 'health' || sensitivity === 'financial' || DATA_AT_STAKE.test(raw)) radius.push('data loss');
  if (sensitivity !== 'low') radius.push(`security breach exposing ${sensitivity} data`);
  else if (launchType === 'public' || launchType === 'paid') radius.push('security breach (internet-facing)');
  const load = LOAD.exec(raw);
  const spike = SPIKE.exec(raw);
  if (load) radius.push(`downtime under ~${numberOf(load[1]!, load[2])!.toLocaleString('en-US')} requests${load[3] ? `/${load[3].toLowerCase()}` : ''}`);
  if (spike) radius.push(spike[1] ? `downtime under a ${spike[1]}x traffic spike` : 'downtime under a traffic spike');
  if (!load && !spike && audience !== null) radius.push(`downtime for ~${audience.toLocaleString('en-US')} people`);
  else if (!load && !spike && (launchType === 'public' || launchType === 'paid')) radius.push('downtime in front of the public');
  if (radius.length === 0 && launchType === 'internal') radius.push('internal users only');
  return radius;
}

/** The first list entry whose pattern matches un-negated, with the words that matched (for the rationale). */
function firstMatch<T>(table: readonly (readonly [T, RegExp])[], text: string): [T, string] | undefined {
  for (const [value, pattern] of table) {
    for (const match of text.matchAll(pattern)) {
      if (!NEGATION.test(text.slice(Math.max(0, match.index - 20), match.index))) return [value, match[0]];
    }
  }
  return undefined;
}

function readAudience(text: string): { size: number; phrase: string } | undefined {
  const match = AUDIENCE.exec(text) ?? AUDIENCE_AFTER.exec(text);
  if (!match) return undefined;
  // AUDIENCE's groups: digits, unit, or a number word; AUDIENCE_AFTER's: digits, unit.
  const size = match[1] !== undefined ? numberOf(match[1], match[2]) : UNITS[match[3]!.toLowerCase()]!;
  return size === null ? undefined : { size, phrase: match[0].trim() };
}

/** "5,000" / "5.000" → 5000, "1.5" + "million" → 1500000; null when it is not a safe integer count. */
function numberOf(digits: string, unit: string | undefined): number | null {
  const grouped = /^\d{1,3}(?:[,.]\d{3})+$/.test(digits) && !unit;
  const value = Number(grouped ? digits.replace(/[,.]/g, '') : digits.replace(/,/g, '')) * (unit ? UNITS[unit.toLowerCase()]! : 1);
  const size = Math.round(value);
  return Number.isSafeInteger(size) ? size : null;
}

/** Says what could not be read, quoting (a bounded, one-line slice of) what was given. */
function unreadable(raw: string): string {
  const chars = Array.from(raw.replace(/\s+/g, ' ')); // code points: never cut an emoji in half
  const quote = chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join('')}…` : chars.join('');
  const why = UNDECIDED.test(raw) ? ' (it says the launch is not decided yet)' : !/\p{L}/u.test(raw) ? ' (it has no words)' : chars.length > QUOTE_CHARS ? ` (${chars.length} characters)` : '';
  return `Could not read a launch type, audience or data sensitivity from "${quote}"${why}: using the default profile (medium strictness).`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The rules the verdict applies (see verdict/classify.ts), stated so the report can quote them. */
export function stopShipCriteria(strictness: Strictness): string[] {
  const criteria = ['Any CRITICAL finding (data loss, security breach, financial loss or total feature failure likely).'];
  if (strictness === 'high') criteria.push('Any HIGH finding reported with high confidence.');
  criteria.push('Any category scored FAIL, or more than three scored PARTIAL.');
  return criteria;
}
