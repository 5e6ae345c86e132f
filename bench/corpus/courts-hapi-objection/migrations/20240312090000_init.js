'use strict';

exports.up = async function up(knex) {
  await knex.schema.createTable('clubs', (t) => {
    t.increments('id');
    t.string('name').notNullable();
    t.string('slug').notNullable().unique();
    t.string('address');
    t.jsonb('location');
    t.text('announcement');
    t.string('timezone').notNullable().defaultTo('Europe/Amsterdam');
    t.timestamps(true, true);
  });

  await knex.schema.createTable('members', (t) => {
    t.increments('id');
    t.integer('club_id').notNullable().references('clubs.id');
    // vuln: Data Integrity
    t.string('email').notNullable();
    t.string('password_hash').notNullable();
    t.string('display_name', 80).notNullable();
    t.string('phone', 20);
    t.text('bio');
    t.string('role').notNullable().defaultTo('member');
    t.string('avatar_key');
    t.string('reset_token');
    t.timestamp('reset_expires_at');
    t.string('mollie_customer_id');
    t.string('mollie_mandate_id');
    t.integer('visits').notNullable().defaultTo(0);
    t.timestamps(true, true);
    t.index(['club_id', 'email']);
  });

  await knex.schema.createTable('courts', (t) => {
    t.increments('id');
    t.integer('club_id').notNullable().references('clubs.id');
    t.string('name').notNullable();
    t.string('surface');
    t.integer('price_cents').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
  });

  await knex.schema.createTable('bookings', (t) => {
    t.increments('id');
    // vuln: Data Integrity
    t.integer('court_id').notNullable().references('courts.id').onDelete('CASCADE');
    t.integer('member_id').notNullable().references('members.id').index();
    t.timestamp('starts_at').notNullable();
    t.timestamp('ends_at').notNullable();
    t.integer('players').notNullable().defaultTo(2);
    t.text('notes');
    // vuln: State Machine
    t.string('status').notNullable().defaultTo('pending');
    t.timestamp('reminder_sent_at');
    t.timestamps(true, true);
    t.index(['court_id', 'starts_at']);
  });

  await knex.schema.createTable('payments', (t) => {
    t.increments('id');
    // vuln: Data Integrity
    t.integer('booking_id').notNullable().references('bookings.id').onDelete('CASCADE');
    t.string('provider_id').notNullable().unique();
    // vuln: Data Integrity
    t.float('amount').notNullable();
    t.string('currency', 3).notNullable().defaultTo('EUR');
    // vuln: State Machine
    t.string('status').notNullable();
    t.timestamps(true, true);
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('id').primary();
    // safe: Data Integrity
    t.integer('member_id').notNullable().references('members.id').onDelete('CASCADE');
    t.timestamp('expires_at').notNullable();
  });

  await knex.schema.createTable('waivers', (t) => {
    t.increments('id');
    t.integer('member_id').notNullable().references('members.id');
    t.string('s3_key').notNullable();
    t.timestamp('signed_at').notNullable();
  });
};

exports.down = async function down(knex) {
  // safe: Recovery
  await knex.schema.dropTable('waivers');
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('payments');
  await knex.schema.dropTable('bookings');
  await knex.schema.dropTable('courts');
  await knex.schema.dropTable('members');
  await knex.schema.dropTable('clubs');
};
