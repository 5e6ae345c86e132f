import { relations } from 'drizzle-orm';
import {
  pgTable, pgEnum, uuid, text, varchar, integer, doublePrecision, boolean, timestamp, jsonb, index,
} from 'drizzle-orm/pg-core';

export const roleEnum = pgEnum('role', ['dispatcher', 'courier', 'merchant', 'admin']);
export const deliveryStatusEnum = pgEnum('delivery_status', [
  'created', 'assigned', 'picked_up', 'delivered', 'cancelled', 'failed',
]);
export const paymentStatusEnum = pgEnum('payment_status', ['pending', 'paid', 'failed', 'refunded']);

export type DeliveryStatus = (typeof deliveryStatusEnum.enumValues)[number];

export const merchants = pgTable('merchants', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  stripeCustomerId: text('stripe_customer_id'),
  defaultPaymentMethod: text('default_payment_method'),
  callbackUrl: text('callback_url'),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  // safe: Data Integrity
  email: varchar('email', { length: 320 }).notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: roleEnum('role').notNull().default('merchant'),
  merchantId: uuid('merchant_id').references(() => merchants.id),
  resetToken: text('reset_token'),
  resetTokenExpiresAt: timestamp('reset_token_expires_at'),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const couriers = pgTable('couriers', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id),
  displayName: text('display_name').notNull(),
  stripeAccountId: text('stripe_account_id'),
  payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
  // vuln: Data Integrity
  balance: doublePrecision('balance').notNull().default(0),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const deliveries = pgTable('deliveries', {
  id: uuid('id').primaryKey().defaultRandom(),
  // vuln: Data Integrity
  // vuln: Throughput
  merchantId: uuid('merchant_id').notNull(),
  courierId: uuid('courier_id').references(() => couriers.id),
  status: deliveryStatusEnum('status').notNull().default('created'),
  paymentStatus: paymentStatusEnum('payment_status').notNull().default('pending'),
  paymentIntentId: text('payment_intent_id'),
  pickupAddress: text('pickup_address').notNull(),
  dropoffAddress: text('dropoff_address').notNull(),
  pickupLat: doublePrecision('pickup_lat'),
  pickupLng: doublePrecision('pickup_lng'),
  dropoffLat: doublePrecision('dropoff_lat'),
  dropoffLng: doublePrecision('dropoff_lng'),
  recipientName: text('recipient_name').notNull(),
  recipientPhone: text('recipient_phone').notNull(),
  instructions: text('instructions'),
  priceCents: integer('price_cents').notNull(),
  courierFeeCents: integer('courier_fee_cents').notNull(),
  sequence: integer('sequence'),
  podPhotoKey: text('pod_photo_key'),
  assignedAt: timestamp('assigned_at'),
  createdAt: timestamp('created_at').defaultNow().notNull(),
  updatedAt: timestamp('updated_at').defaultNow().notNull(),
  deletedAt: timestamp('deleted_at'),
}, (t) => ({
  statusIdx: index('deliveries_status_idx').on(t.status),
}));

export const payouts = pgTable('payouts', {
  id: uuid('id').primaryKey().defaultRandom(),
  // vuln: Data Integrity
  courierId: uuid('courier_id').notNull().references(() => couriers.id, { onDelete: 'cascade' }),
  amountCents: integer('amount_cents').notNull(),
  transferId: text('transfer_id'),
  status: text('status').notNull(),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at').defaultNow().notNull(),
});

export const routePlans = pgTable('route_plans', {
  id: uuid('id').primaryKey().defaultRandom(),
  courierId: uuid('courier_id').notNull().references(() => couriers.id, { onDelete: 'cascade' }),
  status: text('status').notNull().default('processing'),
  stopOrder: jsonb('stop_order').$type<string[]>(),
  model: text('model'),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const courierLocations = pgTable('courier_locations', {
  id: uuid('id').primaryKey().defaultRandom(),
  courierId: uuid('courier_id').notNull().references(() => couriers.id),
  lat: doublePrecision('lat').notNull(),
  lng: doublePrecision('lng').notNull(),
  recordedAt: timestamp('recorded_at').defaultNow().notNull(),
}, (t) => ({
  byCourier: index('courier_locations_courier_id_recorded_at_idx').on(t.courierId, t.recordedAt),
}));

export const deliveriesRelations = relations(deliveries, ({ one }) => ({
  courier: one(couriers, { fields: [deliveries.courierId], references: [couriers.id] }),
}));
