import mongoose, { Schema } from 'mongoose';

const roomSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 80 },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
    members: [{ type: Schema.Types.ObjectId, ref: 'User', index: true }],
    status: { type: String, enum: ['open', 'locked', 'archived'], default: 'open' },
    topic: String,
  },
  { timestamps: true },
);

export const Room = mongoose.model('Room', roomSchema);
