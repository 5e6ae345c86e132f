import { describe, expect, it } from 'vitest';
import { LaunchContext } from '../../src/model/context.js';
import { DEFAULT_CONTEXT_NOTE, parseLaunchContext } from '../../src/workflow/launch-context.js';

type Expected = Pick<LaunchContext, 'launchType' | 'audienceSize' | 'strictness' | 'dataSensitivity' | 'revenueImpact'>;
const row = (launchType: Expected['launchType'], audienceSize: number | null, strictness: Expected['strictness'], dataSensitivity: Expected['dataSensitivity'] = 'low', revenueImpact = false): Expected => ({
  launchType,
  audienceSize,
  strictness,
  dataSensitivity,
  revenueImpact,
});

/** Phrasings as people type them, with the whole profile each must give. */
const PHRASINGS: ReadonlyArray<readonly [string, Expected]> = [
  ['First public launch, expecting ~5k MAU', row('public', 5_000, 'high')],
  ['closed beta for 30 design partners', row('beta', 30, 'medium')],
  ['internal tool for the support team', row('internal', null, 'low')],
  ['Paid launch — Stripe subscriptions, ~2k paying customers', row('paid', 2_000, 'high', 'financial', true)],
  ['GA next week, 50k users', row('public', 50_000, 'high')],
  ['soft launch in Germany', row('beta', null, 'medium')],
  ['HIPAA: patient portal pilot', row('beta', null, 'high', 'health')],
  ['open-sourcing the API for developers, 1M requests/day', row('public', null, 'high')],
  ['Black Friday sale, expecting 10x traffic', row('paid', null, 'high', 'low', true)],
  ['dogfooding with staff only', row('internal', null, 'low')],
  ['launching to ProductHunt tomorrow', row('public', null, 'high')],
  ['B2B SaaS for 20 enterprise customers', row('paid', 20, 'high', 'low', true)],
  ['no idea yet', row(null, null, 'medium')],
  ['purple monkey dishwasher', row(null, null, 'medium')],
  ['', row(null, null, 'medium')],
  ['🚀🚀🚀', row(null, null, 'medium')],
  ['a'.repeat(2000), row(null, null, 'medium')],
  ['Closed beta with 40 design partners', row('beta', 40, 'medium')],
  ['Internal dashboard, but it shows patient records', row('internal', null, 'high', 'health')],
  ['Soft launch to 2 million users', row('beta', 2_000_000, 'high')],
  ['Going GA for customers next week, 10,000 users', row('public', 10_000, 'high')],
  ['public beta, open to everyone', row('public', null, 'high')],
  ['internal beta for staff', row('beta', null, 'medium')],
  ['free beta, no payments yet', row('beta', null, 'medium')],
  ['internal tool for the sales team', row('internal', null, 'low')],
  ['internal billing tool for finance', row('internal', null, 'high', 'financial', true)],
  ['early access for 300 testers, they sign up with their accounts', row('beta', 300, 'medium', 'personal')],
];

describe('parseLaunchContext() on the phrasings people type', () => {
  it.each(PHRASINGS.map(([text, expected]) => [text.length > 60 ? `${text.slice(0, 20)}… (${text.length} chars)` : text || '(empty)', text, expected] as const))('%s', (_, text, expected) => {
    const context = parseLaunchContext(text);
    expect(context).toMatchObject(expected);
    expect(() => LaunchContext.parse(context)).not.toThrow();
  });

  it('is pure: the same text always gives the same profile', () => {
    for (const [text] of PHRASINGS) expect(parseLaunchContext(text)).toEqual(parseLaunchContext(text));
  });

  it('keeps the text as given, trimmed', () => {
    expect(parseLaunchContext('  GA next week, 50k users \n').text).toBe('GA next week, 50k users');
  });
});

describe('parseLaunchContext() reads numbers written many ways', () => {
  it.each([
    ['5k users', 5_000],
    ['5K users', 5_000],
    ['5,000 users', 5_000],
    ['5.000 users', 5_000],
    ['5000 users', 5_000],
    ['~10k users', 10_000],
    ['2M users', 2_000_000],
    ['1.5 million users', 1_500_000],
    ['2.5k monthly active users', 2_500],
    ['1,250,000 customers', 1_250_000],
    ['a few thousand users', 1_000],
    ['500+ beta testers', 500],
    ['users: 12000', 12_000],
  ])('%s → %d', (text, size) => {
    expect(parseLaunchContext(text).audienceSize).toBe(size);
  });

  it('does not take a time span, a multiplier or a request rate for an audience', () => {
    expect(parseLaunchContext('public launch in 3 weeks, users come later').audienceSize).toBeNull();
    expect(parseLaunchContext('expecting 10x users').audienceSize).toBeNull();
    expect(parseLaunchContext('1M requests/day').audienceSize).toBeNull();
  });

  it('drops a count too large to be an integer rather than report a wrong one', () => {
    expect(parseLaunchContext('public launch, 100000000000000000000000 users').audienceSize).toBeNull();
  });
});

describe('parseLaunchContext() explains itself', () => {
  it('names the launch type and the words it was read from', () => {
    expect(parseLaunchContext('GA next week, 50k users').rationale).toEqual([
      'Read "GA" as a public launch: high strictness.',
      'Audience ~50,000 (read from "50k users").',
      'Blast radius: security breach (internet-facing); downtime for ~50,000 people.',
    ]);
  });

  it('says when the audience raises the strictness', () => {
    expect(parseLaunchContext('Soft launch to 2 million users').rationale).toEqual([
      'Read "Soft launch" as a beta launch: medium strictness.',
      'Audience ~2,000,000 (read from "2 million users"): raised to high strictness.',
      'Blast radius: downtime for ~2,000,000 people.',
    ]);
  });

  it('names revenue, data loss and a financial breach for a paid launch', () => {
    expect(parseLaunchContext('Paid launch — Stripe subscriptions, ~2k paying customers').rationale).toEqual([
      'Read "Paid" as a paid launch: high strictness.',
      'Audience ~2,000 (read from "~2k paying customers").',
      'Financial data (read from "Stripe").',
      'Blast radius: revenue (failed or duplicate charges); data loss; security breach exposing financial data; downtime for ~2,000 people.',
    ]);
  });

  it('raises a health pilot to high and names the breach', () => {
    expect(parseLaunchContext('HIPAA: patient portal pilot').rationale).toEqual([
      'Read "pilot" as a beta launch: medium strictness.',
      'Health data (read from "HIPAA"): raised to high strictness.',
      'Blast radius: data loss; security breach exposing health data.',
    ]);
  });

  it('names downtime under load for a request rate and a traffic spike', () => {
    expect(parseLaunchContext('open-sourcing the API for developers, 1M requests/day').rationale.at(-1)).toBe(
      'Blast radius: security breach (internet-facing); downtime under ~1,000,000 requests/day.',
    );
    expect(parseLaunchContext('Black Friday sale, expecting 10x traffic').rationale).toEqual([
      'Read "Black Friday" as a paid launch: high strictness.',
      'Blast radius: revenue (failed or duplicate charges); security breach (internet-facing); downtime under a 10x traffic spike.',
    ]);
  });

  it('keeps an internal launch small', () => {
    expect(parseLaunchContext('dogfooding with staff only').rationale).toEqual(['Read "dogfooding" as an internal launch: low strictness.', 'Blast radius: internal users only.']);
  });

  it('ignores negated words', () => {
    const context = parseLaunchContext('free beta, no payments yet, non-paying users');
    expect(context).toMatchObject({ launchType: 'beta', dataSensitivity: 'low', revenueImpact: false });
  });
});

describe('parseLaunchContext() on nothing it can read', () => {
  it('gives the default profile and says so when there is no context', () => {
    for (const input of [undefined, '', '   \n ']) {
      const context = parseLaunchContext(input);
      expect(context).toMatchObject({ launchType: null, audienceSize: null, strictness: 'medium', dataSensitivity: 'low', revenueImpact: false, text: '' });
      expect(context.rationale).toEqual([DEFAULT_CONTEXT_NOTE]);
    }
  });

  it.each([
    ['purple monkey dishwasher', 'Could not read a launch type, audience or data sensitivity from "purple monkey dishwasher": using the default profile (medium strictness).'],
    ['no idea yet', 'Could not read a launch type, audience or data sensitivity from "no idea yet" (it says the launch is not decided yet): using the default profile (medium strictness).'],
    ['🚀🚀🚀', 'Could not read a launch type, audience or data sensitivity from "🚀🚀🚀" (it has no words): using the default profile (medium strictness).'],
    ['a'.repeat(2000), `Could not read a launch type, audience or data sensitivity from "${'a'.repeat(80)}…" (2000 characters): using the default profile (medium strictness).`],
  ])('says what it could not read: %s', (text, line) => {
    const context = parseLaunchContext(text);
    expect(context.rationale).toEqual([line]);
    expect(context.strictness).toBe('medium');
    expect(context.stopShipCriteria).toEqual(parseLaunchContext('').stopShipCriteria);
  });

  it('never cuts an emoji in half when it shortens the quote', () => {
    const line = parseLaunchContext('🚀'.repeat(100)).rationale[0]!;
    expect(line).toContain(`"${'🚀'.repeat(80)}…"`);
    expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('quotes a multi-line context on one line', () => {
    expect(parseLaunchContext('purple\n\nmonkey').rationale[0]).toContain('from "purple monkey"');
  });
});

describe('stop-ship criteria follow strictness', () => {
  it('lists stricter stop-ship criteria for stricter launches', () => {
    expect(parseLaunchContext('public launch').stopShipCriteria).toEqual([
      'Any CRITICAL finding (data loss, security breach, financial loss or total feature failure likely).',
      'Any HIGH finding reported with high confidence.',
      'Any category scored FAIL, or more than three scored PARTIAL.',
    ]);
    expect(parseLaunchContext('internal tool').stopShipCriteria.some((c) => c.includes('HIGH'))).toBe(false);
    expect(parseLaunchContext('closed beta').stopShipCriteria.some((c) => c.includes('HIGH'))).toBe(false);
  });
});
