import paymentWithoutIdempotencyKey from './payment-without-idempotency-key.js';

/** Idempotency probes, sorted by id. */
export default [paymentWithoutIdempotencyKey];
