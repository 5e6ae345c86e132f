import { describe, expect, it } from 'vitest';
import { parseLaunchContext } from '../../src/workflow/launch-context.js';

describe('parseLaunchContext()', () => {
  it.each([
    ['First public launch, expecting ~5k MAU', { launchType: 'public', audienceSize: 5000, strictness: 'high' }],
    ['Closed beta with 40 design partners', { launchType: 'beta', audienceSize: null, strictness: 'medium' }],
    ['internal admin tool for the support staff', { launchType: 'internal', strictness: 'low' }],
    ['Paid launch: Stripe subscriptions for 300 customers', { launchType: 'paid', audienceSize: 300, revenueImpact: true, strictness: 'high' }],
    ['Internal dashboard, but it shows patient records', { launchType: 'internal', dataSensitivity: 'health', strictness: 'high' }],
    ['Soft launch to 2 million users', { launchType: 'beta', audienceSize: 2_000_000, strictness: 'high' }],
    ['Going GA for customers next week, 10,000 users', { launchType: 'paid', audienceSize: 10_000, strictness: 'high' }],
  ])('%s', (text, expected) => {
    expect(parseLaunchContext(text)).toMatchObject(expected);
  });

  it('gives a default profile and says so when there is no context', () => {
    const context = parseLaunchContext(undefined);
    expect(context).toMatchObject({ launchType: null, strictness: 'medium', text: '' });
    expect(context.rationale[0]).toMatch(/No launch context given/);
  });

  it('says plainly when it cannot read the context, and keeps the default', () => {
    const context = parseLaunchContext('purple monkey dishwasher');
    expect(context.strictness).toBe('medium');
    expect(context.rationale[0]).toMatch(/Could not read a launch type, audience or data sensitivity from "purple monkey dishwasher"/);
  });

  it('lists stricter stop-ship criteria for stricter launches', () => {
    expect(parseLaunchContext('public launch').stopShipCriteria.some((c) => c.includes('HIGH'))).toBe(true);
    expect(parseLaunchContext('internal tool').stopShipCriteria.some((c) => c.includes('HIGH'))).toBe(false);
  });
});
