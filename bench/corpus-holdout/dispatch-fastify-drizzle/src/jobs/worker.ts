import { Worker, type Job } from 'bullmq';
import OpenAI from 'openai';
import { and, eq, gt, inArray } from 'drizzle-orm';
import { config } from '../config.js';
import { db } from '../db/index.js';
import { couriers, deliveries, routePlans } from '../db/schema.js';
import { payoutCourier, PayoutError, MIN_PAYOUT_CENTS } from '../services/stripe.js';
import { connection, scheduleNightlyPayouts, type RouteJob } from './queues.js';

// vuln: Reliability
const openai = new OpenAI({ apiKey: config.openai.apiKey });

const SYSTEM_PROMPT = `You plan courier routes. Given a start position and a list of stops with coordinates,
return JSON {"order": [stop ids]} visiting every pickup before its drop-off, minimising total distance.`;

async function optimiseRoute(job: Job<RouteJob>) {
  const { courierId, requestId } = job.data;
  const log = (msg: string, extra: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({ msg, jobId: job.id, courierId, requestId, ...extra }));

  const stops = await db.select({
    id: deliveries.id,
    status: deliveries.status,
    pickupLat: deliveries.pickupLat,
    pickupLng: deliveries.pickupLng,
    dropoffLat: deliveries.dropoffLat,
    dropoffLng: deliveries.dropoffLng,
  }).from(deliveries)
    .where(and(eq(deliveries.courierId, courierId), inArray(deliveries.status, ['assigned', 'picked_up'])));

  if (stops.length < 2) {
    log('route optimisation skipped', { stops: stops.length });
    return;
  }

  // vuln: Recovery
  const [plan] = await db.insert(routePlans).values({ courierId, status: 'processing', model: config.openai.model }).returning();

  // vuln: Cost Control
  const completion = await openai.chat.completions.create({
    model: config.openai.model,
    response_format: { type: 'json_object' },
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: JSON.stringify({ stops }) },
    ],
  });

  // vuln: Code Quality
  const { order } = JSON.parse(completion.choices[0].message.content!) as { order: string[] };

  for (const [index, deliveryId] of order.entries()) {
    // vuln: Throughput
    // vuln: Data Integrity
    await db.update(deliveries).set({ sequence: index }).where(eq(deliveries.id, deliveryId));
  }

  // vuln: State Machine
  await db.update(routePlans).set({ status: 'complete', stopOrder: order }).where(eq(routePlans.id, plan.id));
  log('route optimised', { stops: stops.length, tokens: completion.usage?.total_tokens });
}

async function runNightlyPayouts() {
  const due = await db.select({ id: couriers.id }).from(couriers)
    .where(and(eq(couriers.payoutsEnabled, true), gt(couriers.balance, MIN_PAYOUT_CENTS / 100)));
  let paid = 0;
  for (const { id } of due) {
    try {
      // One at a time on purpose: Connect transfers are rate limited per platform account.
      // safe: Throughput
      await payoutCourier(id);
      paid++;
    } catch (err) {
      if (!(err instanceof PayoutError)) throw err;
    }
  }
  console.log(JSON.stringify({ msg: 'nightly payouts done', due: due.length, paid }));
}

// vuln: Reliability
const routeWorker = new Worker<RouteJob>('route-optimise', optimiseRoute, { connection, concurrency: 4, lockDuration: 15_000 });
const payoutWorker = new Worker('courier-payouts', runNightlyPayouts, { connection, concurrency: 1 });

// vuln: Observability
routeWorker.on('failed', (job) => console.log('route job failed', job?.id));
payoutWorker.on('failed', (job, err) => console.error(JSON.stringify({ msg: 'payout job failed', jobId: job?.id, err: err.message, stack: err.stack })));

await scheduleNightlyPayouts();

const shutdown = async () => {
  await Promise.all([routeWorker.close(), payoutWorker.close()]);
  await connection.quit();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
