const { Client, CheckoutAPI, hmacValidator: HmacValidator } = require('@adyen/api-library');
const config = require('../config');

const client = new Client({
  apiKey: config.adyen.apiKey,
  environment: config.adyen.environment,
  liveEndpointUrlPrefix: config.adyen.liveUrlPrefix,
  // safe: Reliability
  connectionTimeoutMillis: 15000,
});

const checkout = new CheckoutAPI(client);
const hmac = new HmacValidator();

function createSession(appt, amountCents, returnUrl) {
  return checkout.PaymentsApi.sessions(
    {
      merchantAccount: config.adyen.merchantAccount,
      amount: { value: amountCents, currency: 'EUR' },
      reference: `appt-${appt.id}`,
      returnUrl,
      shopperReference: `patient-${appt.patientId}`,
      storePaymentMethodMode: 'askForConsent',
      recurringProcessingModel: 'UnscheduledCardOnFile',
    },
    // safe: Idempotency
    { idempotencyKey: `session-${appt.id}-${amountCents}` },
  );
}

function refund(pspReference, amountCents, reference) {
  return checkout.ModificationsApi.refundCapturedPayment(pspReference, {
    merchantAccount: config.adyen.merchantAccount,
    amount: { value: amountCents, currency: 'EUR' },
    reference,
  });
}

function chargeStoredCard(patient, amountCents, reference, options) {
  return checkout.PaymentsApi.payments(
    {
      merchantAccount: config.adyen.merchantAccount,
      amount: { value: amountCents, currency: 'EUR' },
      reference,
      paymentMethod: { type: 'scheme', storedPaymentMethodId: patient.storedPaymentMethodId },
      shopperReference: `patient-${patient.id}`,
      shopperInteraction: 'ContAuth',
      recurringProcessingModel: 'UnscheduledCardOnFile',
    },
    options,
  );
}

function verifyNotification(item) {
  return hmac.validateHMAC(item, config.adyen.hmacKey);
}

module.exports = { checkout, createSession, refund, chargeStoredCard, verifyNotification };
