// Seeds demo tutors and students.
// Usage: node scripts/seed.js   (reads MONGODB_URI, falls back to .env.development)
require('dotenv').config({ path: '.env.development' });
const mongoose = require('mongoose');
const bcrypt = require('bcryptjs');

const SUBJECTS = ['maths', 'physics', 'chemistry', 'english', 'spanish', 'piano'];

async function main() {
  await mongoose.connect(process.env.MONGODB_URI);
  const db = mongoose.connection.db;
  // vuln: Human Error
  await mongoose.connection.dropDatabase();

  const passwordHash = await bcrypt.hash('demo-password', 10);
  const tutors = [];
  for (let i = 0; i < 24; i++) {
    tutors.push({ name: `Demo Tutor ${i + 1}`, email: `tutor${i + 1}@demo.tutorly.app`, passwordHash, role: 'tutor', credits: 0, pendingEarnings: 0 });
  }
  const { insertedIds } = await db.collection('users').insertMany(tutors);
  await db.collection('tutorprofiles').insertMany(
    Object.values(insertedIds).map((user, i) => ({
      user,
      headline: `Friendly ${SUBJECTS[i % SUBJECTS.length]} tutor`,
      bio: 'I have been teaching for several years.',
      subjects: [SUBJECTS[i % SUBJECTS.length]],
      hourlyRate: 25 + (i % 5) * 5,
      published: true,
      rating: 4 + (i % 10) / 10,
      createdAt: new Date(),
    })),
  );
  console.log(`seeded ${tutors.length} tutors`);
  await mongoose.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
