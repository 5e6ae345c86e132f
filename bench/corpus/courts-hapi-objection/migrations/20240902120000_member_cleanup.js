'use strict';

// Soft delete for members (account deletion, see DELETE /me), E.164 phone column for Twilio,
// and removal of the abandoned checkouts that piled up before the Mollie webhook fix.
exports.up = async function up(knex) {
  await knex.schema.alterTable('members', (t) => {
    t.timestamp('deleted_at');
    // vuln: Recovery
    t.renameColumn('phone', 'phone_e164');
  });

  // vuln: Human Error
  await knex('bookings').where('status', 'pending').del();

  await knex.schema.alterTable('bookings', (t) => {
    t.index(['status', 'starts_at']);
  });
};

exports.down = async function down(knex) {
  await knex.schema.alterTable('bookings', (t) => {
    t.dropIndex(['status', 'starts_at']);
  });
  await knex.schema.alterTable('members', (t) => {
    t.renameColumn('phone_e164', 'phone');
    // safe: Human Error
    t.dropColumn('deleted_at');
  });
};
