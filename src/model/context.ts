import { z } from 'zod';

export const LaunchType = z.enum(['internal', 'beta', 'public', 'paid']);
export type LaunchType = z.infer<typeof LaunchType>;

export const Strictness = z.enum(['low', 'medium', 'high']);
export type Strictness = z.infer<typeof Strictness>;

export const DataSensitivity = z.enum(['low', 'personal', 'financial', 'health']);
export type DataSensitivity = z.infer<typeof DataSensitivity>;

/** Phase 1's output: what kind of launch this is, and so how strict the verdict must be. */
export const LaunchContext = z.object({
  text: z.string().describe('The launch context as the user wrote it, or empty'),
  launchType: LaunchType.nullable(),
  audienceSize: z.number().int().nonnegative().nullable(),
  revenueImpact: z.boolean(),
  dataSensitivity: DataSensitivity,
  strictness: Strictness,
  /** How the strictness was reached, one line per reason. */
  rationale: z.array(z.string()),
  /** The rules that make a finding stop-ship under this strictness. */
  stopShipCriteria: z.array(z.string()),
});
export type LaunchContext = z.infer<typeof LaunchContext>;
