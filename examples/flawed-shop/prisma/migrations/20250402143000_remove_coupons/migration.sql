-- Discounts now live in Stripe promotion codes.
DROP TABLE "Coupon";
