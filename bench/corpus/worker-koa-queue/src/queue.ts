import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { REDIS_URL } from './config.js';

export const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });

export const billingQueue = new Queue('billing', {
  connection,
  // safe: Reliability
  defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: 1_000, removeOnFail: 5_000 },
});

// vuln: Data Lifecycle
export const enrichQueue = new Queue('enrich', { connection });

export const notifyQueue = new Queue('notify', {
  connection,
  // safe: Data Lifecycle
  defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } },
});
