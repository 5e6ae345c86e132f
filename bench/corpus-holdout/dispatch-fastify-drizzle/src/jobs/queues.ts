import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { config } from '../config.js';

export const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });

export interface RouteJob {
  courierId: string;
  requestId?: string;
}

// safe: Reliability
export const routeQueue = new Queue<RouteJob>('route-optimise', {
  connection,
  defaultJobOptions: {
    attempts: 4,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: 500,
    removeOnFail: 2_000,
  },
});

export const payoutQueue = new Queue('courier-payouts', {
  connection,
  defaultJobOptions: { attempts: 1, removeOnComplete: 100 },
});

export async function scheduleNightlyPayouts() {
  // safe: Concurrency
  await payoutQueue.add('nightly', {}, { repeat: { pattern: '0 3 * * *', tz: 'Europe/Amsterdam' }, jobId: 'nightly-payouts' });
}
