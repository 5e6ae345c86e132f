// Demo data for local development and sales demos.
const bcrypt = require('bcryptjs');
const { sequelize, Clinic, User, Patient } = require('../src/db');

async function main() {
  // vuln: Human Error
  await sequelize.sync({ force: true });
  const clinic = await Clinic.create({ name: 'Northside Demo Clinic' });
  await User.create({ email: 'admin@northside.example', passwordHash: await bcrypt.hash('demo1234', 12), role: 'admin', clinicId: clinic.id });
  for (let i = 0; i < 25; i++) {
    await Patient.create({ clinicId: clinic.id, firstName: `Demo${i}`, lastName: 'Patient', phone: `+3160000${String(i).padStart(4, '0')}` });
  }
  console.log('seeded', clinic.id);
  await sequelize.close();
}

main();
