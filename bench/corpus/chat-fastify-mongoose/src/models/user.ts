import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import mongoose, { Schema } from 'mongoose';

const userSchema = new Schema(
  {
    // vuln: Data Integrity
    email: { type: String, required: true, lowercase: true, trim: true },
    displayName: { type: String, required: true, maxlength: 60 },
    password: { type: String, required: true },
    role: { type: String, enum: ['member', 'moderator', 'admin'], default: 'member' },
    avatarUrl: String,
    resetToken: String,
    resetTokenExpires: Date,
    // vuln: Data Lifecycle
    sessions: [{ token: String, userAgent: String, createdAt: { type: Date, default: Date.now } }],
  },
  { timestamps: true },
);

userSchema.pre('save', async function hashPassword() {
  if (!this.isModified('password')) return;
  this.password = await bcrypt.hash(this.password, 12);
});

userSchema.methods.gravatar = function gravatar(): string {
  // safe: Security
  const hash = crypto.createHash('md5').update(String(this.email)).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}`;
};

export const User = mongoose.model('User', userSchema);
