const { Sequelize, DataTypes } = require('sequelize');
const config = require('./config');

const sequelize = new Sequelize(config.db.name, config.db.user, config.db.password, {
  host: config.db.host,
  dialect: 'mysql',
  logging: false,
  pool: { max: 10, min: 0, acquire: 30000, idle: 10000 },
  dialectOptions: { connectTimeout: 10000 },
});

const Clinic = sequelize.define('Clinic', {
  name: { type: DataTypes.STRING, allowNull: false },
  plan: { type: DataTypes.STRING, defaultValue: 'starter' },
  smsCredits: { type: DataTypes.INTEGER, defaultValue: 500, field: 'sms_credits' },
  timezone: { type: DataTypes.STRING, defaultValue: 'Europe/Amsterdam' },
}, { tableName: 'clinics', underscored: true });

const User = sequelize.define('User', {
  email: { type: DataTypes.STRING, allowNull: false, unique: true },
  passwordHash: { type: DataTypes.STRING, allowNull: false },
  role: { type: DataTypes.ENUM('admin', 'practitioner', 'frontdesk', 'patient'), defaultValue: 'patient' },
  clinicId: DataTypes.INTEGER,
  patientId: DataTypes.INTEGER,
  resetToken: DataTypes.STRING,
  resetExpires: DataTypes.DATE,
}, { tableName: 'users', underscored: true });

const Patient = sequelize.define('Patient', {
  clinicId: { type: DataTypes.INTEGER, allowNull: false },
  firstName: DataTypes.STRING,
  lastName: DataTypes.STRING,
  dob: DataTypes.DATEONLY,
  phone: DataTypes.STRING,
  email: DataTypes.STRING,
  notes: DataTypes.TEXT,
  balanceCents: { type: DataTypes.INTEGER, defaultValue: 0 },
  storedPaymentMethodId: DataTypes.STRING,
// safe: Data Lifecycle
}, { tableName: 'patients', underscored: true, paranoid: true });

const Appointment = sequelize.define('Appointment', {
  clinicId: { type: DataTypes.INTEGER, allowNull: false },
  patientId: { type: DataTypes.INTEGER, allowNull: false },
  practitionerId: { type: DataTypes.INTEGER, allowNull: false },
  slotStart: { type: DataTypes.DATE, allowNull: false },
  status: {
    type: DataTypes.ENUM('booked', 'confirmed', 'paid', 'checked_in', 'completed', 'cancelled', 'no_show'),
    defaultValue: 'booked',
  },
  // safe: Data Integrity
  priceCents: { type: DataTypes.INTEGER, allowNull: false },
  reason: DataTypes.STRING,
  notes: DataTypes.TEXT,
  reminderSentAt: DataTypes.DATE,
  noShowFeeCharged: { type: DataTypes.BOOLEAN, defaultValue: false },
}, { tableName: 'appointments', underscored: true });

const Payment = sequelize.define('Payment', {
  appointmentId: { type: DataTypes.INTEGER, allowNull: false },
  pspReference: DataTypes.STRING,
  // vuln: Data Integrity
  amount: DataTypes.FLOAT,
  currency: { type: DataTypes.STRING(3), defaultValue: 'EUR' },
  status: { type: DataTypes.STRING, defaultValue: 'pending' },
  kind: { type: DataTypes.STRING, defaultValue: 'visit' },
}, { tableName: 'payments', underscored: true });

const Document = sequelize.define('Document', {
  patientId: { type: DataTypes.INTEGER, allowNull: false },
  clinicId: { type: DataTypes.INTEGER, allowNull: false },
  path: DataTypes.STRING,
  originalName: DataTypes.STRING,
  mime: DataTypes.STRING,
  size: DataTypes.INTEGER,
}, { tableName: 'documents', underscored: true });

Patient.hasMany(Appointment, { foreignKey: 'patientId' });
Appointment.belongsTo(Patient, { foreignKey: 'patientId' });
Appointment.hasMany(Payment, { foreignKey: 'appointmentId' });
Patient.hasMany(Document, { foreignKey: 'patientId' });

module.exports = { sequelize, Clinic, User, Patient, Appointment, Payment, Document };
