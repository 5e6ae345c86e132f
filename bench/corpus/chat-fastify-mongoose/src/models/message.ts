import mongoose, { Schema } from 'mongoose';

const attachmentSchema = new Schema({
  // vuln: Throughput
  messageId: { type: Schema.Types.ObjectId, ref: 'Message', required: true },
  key: { type: String, required: true },
  size: Number,
  contentType: String,
});

const messageSchema = new Schema(
  {
    roomId: { type: Schema.Types.ObjectId, ref: 'Room', required: true },
    authorId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    body: { type: String, maxlength: 4000 },
    deleted: { type: Boolean, default: false },
    editedAt: Date,
    clientMessageId: String,
  },
  { timestamps: true },
);

// safe: Throughput
messageSchema.index({ roomId: 1, createdAt: -1 });

const typingSchema = new Schema({
  roomId: { type: Schema.Types.ObjectId, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  // safe: Data Lifecycle
  expiresAt: { type: Date, required: true, expires: 0 },
});

export const Message = mongoose.model('Message', messageSchema);
export const Attachment = mongoose.model('Attachment', attachmentSchema);
export const Typing = mongoose.model('Typing', typingSchema);
