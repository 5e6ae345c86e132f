import createIgnoresClientIdempotencyKey from './create-ignores-client-idempotency-key.js';
import paymentWithoutIdempotencyKey from './payment-without-idempotency-key.js';
import requestEnqueuesJobWithoutId from './request-enqueues-job-without-id.js';
import scheduledInsertWithoutConflictHandling from './scheduled-insert-without-conflict-handling.js';
import scheduledSendWithoutSentMark from './scheduled-send-without-sent-mark.js';
import webhookHandlerWithoutEventDedupe from './webhook-handler-without-event-dedupe.js';

/** Idempotency probes, sorted by id. */
export default [
  createIgnoresClientIdempotencyKey,
  paymentWithoutIdempotencyKey,
  requestEnqueuesJobWithoutId,
  scheduledInsertWithoutConflictHandling,
  scheduledSendWithoutSentMark,
  webhookHandlerWithoutEventDedupe,
];
