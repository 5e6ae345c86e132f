import mongoose, { Schema, models, model } from 'mongoose';

const { ObjectId } = Schema.Types;

export const BOOKING_STATUSES = ['requested', 'confirmed', 'completed', 'cancelled', 'no_show'] as const;

const UserSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 80 },
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true, select: false },
    role: { type: String, enum: ['student', 'tutor', 'admin'], default: 'student' },
    credits: { type: Number, default: 0 },
    pendingEarnings: { type: Number, default: 0 },
    stripeCustomerId: String,
    stripeAccountId: String,
    plan: { type: String, default: null },
    subscriptionId: String,
    subscriptionStatus: String,
    suspended: { type: Boolean, default: false },
    resetToken: String,
    resetTokenExpires: Date,
    logins: [{ at: Date, ip: String, userAgent: String }],
    deletedAt: { type: Date, default: null },
  },
  { timestamps: true },
);

const TutorProfileSchema = new Schema(
  {
    user: { type: ObjectId, ref: 'User', required: true, unique: true },
    headline: { type: String, maxlength: 140 },
    bio: { type: String, maxlength: 5000 },
    subjects: { type: [String], index: true },
    // dollars per hour, e.g. 42.5
    // vuln: Data Integrity
    hourlyRate: { type: Number, required: true, min: 10 },
    contactEmail: String,
    avatarUrl: String,
    published: { type: Boolean, default: false },
    verified: { type: Boolean, default: false },
    rating: { type: Number, default: 0 },
  },
  { timestamps: true },
);
TutorProfileSchema.index({ published: 1, rating: -1 });

const BookingSchema = new Schema(
  {
    student: { type: ObjectId, ref: 'User', required: true },
    tutor: { type: ObjectId, ref: 'User', required: true },
    subject: String,
    startsAt: { type: Date, required: true },
    durationMin: { type: Number, required: true },
    amount: { type: Number, required: true },
    status: { type: String, enum: BOOKING_STATUSES, default: 'requested' },
    paidWith: { type: String, enum: ['card', 'credits'], required: true },
    paymentStatus: { type: String, enum: ['unpaid', 'paid'], default: 'unpaid' },
    paymentIntentId: String,
    refundStatus: String,
    note: { type: String, maxlength: 2000 },
    summary: String,
    review: String,
    rating: Number,
    confirmedAt: Date,
    completedAt: Date,
    cancelledAt: Date,
  },
  { timestamps: true },
);
// vuln: Concurrency
BookingSchema.index({ tutor: 1, startsAt: 1 });
BookingSchema.index({ student: 1, startsAt: -1 });

const WebhookEventSchema = new Schema(
  {
    // safe: Idempotency
    eventId: { type: String, required: true, unique: true },
    type: String,
  },
  { timestamps: true },
);

const PayoutSchema = new Schema(
  {
    tutor: { type: ObjectId, ref: 'User', required: true },
    amount: { type: Number, required: true }, // cents
    status: { type: String, enum: ['processing', 'paid', 'failed'], default: 'processing' },
    stripeTransferId: String,
  },
  { timestamps: true },
);

const TutorDocumentSchema = new Schema(
  {
    tutor: { type: ObjectId, ref: 'User', required: true, index: true },
    kind: { type: String, enum: ['id', 'certificate', 'background_check'], default: 'certificate' },
    path: String,
    originalName: String,
    size: Number,
    deletedAt: Date,
  },
  { timestamps: true },
);

export const User = models.User || model('User', UserSchema);
export const TutorProfile = models.TutorProfile || model('TutorProfile', TutorProfileSchema);
export const Booking = models.Booking || model('Booking', BookingSchema);
export const WebhookEvent = models.WebhookEvent || model('WebhookEvent', WebhookEventSchema);
export const Payout = models.Payout || model('Payout', PayoutSchema);
export const TutorDocument = models.TutorDocument || model('TutorDocument', TutorDocumentSchema);

export default mongoose;
