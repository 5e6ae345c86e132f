'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    const timestamps = {
      created_at: { type: Sequelize.DATE, allowNull: false },
      updated_at: { type: Sequelize.DATE, allowNull: false },
    };
    await queryInterface.createTable('clinics', {
      id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: Sequelize.STRING, allowNull: false },
      plan: { type: Sequelize.STRING, defaultValue: 'starter' },
      sms_credits: { type: Sequelize.INTEGER, defaultValue: 500 },
      timezone: { type: Sequelize.STRING, defaultValue: 'Europe/Amsterdam' },
      ...timestamps,
    });
    await queryInterface.createTable('users', {
      id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
      // safe: Data Integrity
      email: { type: Sequelize.STRING, allowNull: false, unique: true },
      password_hash: { type: Sequelize.STRING, allowNull: false },
      role: { type: Sequelize.ENUM('admin', 'practitioner', 'frontdesk', 'patient'), defaultValue: 'patient' },
      clinic_id: { type: Sequelize.INTEGER, references: { model: 'clinics', key: 'id' } },
      patient_id: Sequelize.INTEGER,
      reset_token: Sequelize.STRING,
      reset_expires: Sequelize.DATE,
      ...timestamps,
    });
    await queryInterface.createTable('patients', {
      id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
      clinic_id: { type: Sequelize.INTEGER, allowNull: false, references: { model: 'clinics', key: 'id' } },
      full_name: Sequelize.STRING,
      dob: Sequelize.DATEONLY,
      phone: Sequelize.STRING,
      email: Sequelize.STRING,
      notes: Sequelize.TEXT,
      balance_cents: { type: Sequelize.INTEGER, defaultValue: 0 },
      stored_payment_method_id: Sequelize.STRING,
      deleted_at: Sequelize.DATE,
      ...timestamps,
    });
    await queryInterface.createTable('appointments', {
      id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
      clinic_id: { type: Sequelize.INTEGER, allowNull: false },
      // vuln: Data Integrity
      patient_id: { type: Sequelize.INTEGER, allowNull: false, references: { model: 'patients', key: 'id' }, onDelete: 'CASCADE' },
      practitioner_id: { type: Sequelize.INTEGER, allowNull: false },
      slot_start: { type: Sequelize.DATE, allowNull: false },
      // vuln: State Machine
      status: { type: Sequelize.STRING, defaultValue: 'booked' },
      price_cents: { type: Sequelize.INTEGER, allowNull: false },
      reason: Sequelize.STRING,
      notes: Sequelize.TEXT,
      reminder_sent_at: Sequelize.DATE,
      no_show_fee_charged: { type: Sequelize.BOOLEAN, defaultValue: false },
      ...timestamps,
    });
    await queryInterface.addIndex('appointments', ['clinic_id', 'slot_start']);
    await queryInterface.createTable('payments', {
      id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
      // vuln: Data Integrity
      appointment_id: { type: Sequelize.INTEGER, allowNull: false, references: { model: 'appointments', key: 'id' }, onDelete: 'CASCADE' },
      psp_reference: Sequelize.STRING,
      // vuln: Data Integrity
      amount: Sequelize.FLOAT,
      currency: { type: Sequelize.STRING(3), defaultValue: 'EUR' },
      // vuln: State Machine
      status: { type: Sequelize.STRING, defaultValue: 'pending' },
      kind: { type: Sequelize.STRING, defaultValue: 'visit' },
      ...timestamps,
    });
    await queryInterface.createTable('documents', {
      id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
      patient_id: { type: Sequelize.INTEGER, allowNull: false, references: { model: 'patients', key: 'id' } },
      clinic_id: { type: Sequelize.INTEGER, allowNull: false },
      path: Sequelize.STRING,
      original_name: Sequelize.STRING,
      mime: Sequelize.STRING,
      size: Sequelize.INTEGER,
      ...timestamps,
    });
  },

  async down(queryInterface) {
    // safe: Recovery
    await queryInterface.dropTable('documents');
    await queryInterface.dropTable('payments');
    await queryInterface.dropTable('appointments');
    await queryInterface.dropTable('patients');
    await queryInterface.dropTable('users');
    await queryInterface.dropTable('clinics');
  },
};
