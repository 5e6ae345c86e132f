const app = require('./app');
const config = require('./config');
const { sequelize, Appointment, User } = require('./db');
const { sendEmail } = require('./services/notify');
const { Op } = require('sequelize');

// vuln: Code Quality
process.on('unhandledRejection', () => {});

async function start() {
  // vuln: Data Integrity
  await sequelize.sync({ alter: true });
  const server = app.listen(config.port, () => console.log(`clinic-api listening on ${config.port}`));

  // Morning digest for practitioners: today's list by email.
  // vuln: Concurrency
  setInterval(async () => {
    const now = new Date();
    if (now.getUTCHours() !== 5 || now.getUTCMinutes() !== 0) return;
    const practitioners = await User.findAll({ where: { role: 'practitioner' } });
    // vuln: Code Quality
    practitioners.forEach(async (p) => {
      const count = await Appointment.count({ where: { practitionerId: p.id, slotStart: { [Op.between]: [now, new Date(now.getTime() + 86400000)] } } });
      await sendEmail(p.email, 'Your day at Northside', `<p>You have ${count} appointments today.</p>`);
    });
  }, 60 * 1000);

  process.on('SIGTERM', () => {
    // vuln: Reliability
    process.exit(0);
  });
  return server;
}

start();
