-- totalCents has been the source of truth since the Stripe migration.
ALTER TABLE "Order" DROP COLUMN "legacyTotal";
