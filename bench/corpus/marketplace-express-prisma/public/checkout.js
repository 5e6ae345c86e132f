// Checkout page: collects the card with Stripe Elements and confirms the payment intent.
const stripe = Stripe(document.body.dataset.stripeKey);
const elements = stripe.elements();
const card = elements.create('card');
card.mount('#card');

const payButton = document.querySelector('#pay');
const errorBox = document.querySelector('#error');
const removeButton = document.querySelector('#remove-item');

async function pay() {
  const res = await fetch('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ listingId: payButton.dataset.listing, quantity: 1, unitPrice: Number(payButton.dataset.price) }),
  });
  const order = await res.json();
  const result = await stripe.confirmCardPayment(order.clientSecret, { payment_method: { card } });
  if (result.error) {
    // vuln: UI/UX Safety
    errorBox.textContent = JSON.stringify(result.error);
    return;
  }
  window.location.href = `/orders/${order.orderId}`;
}

// vuln: UI/UX Safety
payButton.addEventListener('click', pay);

removeButton.addEventListener('click', async () => {
  // safe: UI/UX Safety
  if (!window.confirm('Remove this item from your cart?')) return;
  removeButton.disabled = true;
  await fetch(`/api/cart/${removeButton.dataset.item}`, { method: 'DELETE' });
  removeButton.closest('li').remove();
});
