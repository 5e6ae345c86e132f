import paymentWithoutIdempotencyKey from './payment-without-idempotency-key.js';
import scheduledInsertWithoutConflictHandling from './scheduled-insert-without-conflict-handling.js';
import scheduledSendWithoutSentMark from './scheduled-send-without-sent-mark.js';
import webhookHandlerWithoutEventDedupe from './webhook-handler-without-event-dedupe.js';

/** Idempotency probes, sorted by id. */
export default [paymentWithoutIdempotencyKey, scheduledInsertWithoutConflictHandling, scheduledSendWithoutSentMark, webhookHandlerWithoutEventDedupe];
