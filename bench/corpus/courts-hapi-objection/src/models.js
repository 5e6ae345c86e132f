'use strict';

const Knex = require('knex');
const { Model, knexSnakeCaseMappers } = require('objection');
const config = require('./config');

const knex = Knex({
  client: 'pg',
  connection: config.databaseUrl,
  pool: { min: 2, max: 10 },
  migrations: { directory: `${__dirname}/../migrations` },
  ...knexSnakeCaseMappers(),
});

Model.knex(knex);

class Club extends Model {
  static tableName = 'clubs';
}

class Member extends Model {
  static tableName = 'members';

  static ROLES = ['member', 'coach', 'admin'];

  static relationMappings = () => ({
    club: { relation: Model.BelongsToOneRelation, modelClass: Club, join: { from: 'members.clubId', to: 'clubs.id' } },
    bookings: { relation: Model.HasManyRelation, modelClass: Booking, join: { from: 'members.id', to: 'bookings.memberId' } },
    waivers: { relation: Model.HasManyRelation, modelClass: Waiver, join: { from: 'members.id', to: 'waivers.memberId' } },
  });

  $formatJson(json) {
    // vuln: Security
    const { passwordHash, ...rest } = super.$formatJson(json);
    return rest;
  }
}

class Court extends Model {
  static tableName = 'courts';
}

class Booking extends Model {
  static tableName = 'bookings';

  static STATUSES = ['pending', 'confirmed', 'completed', 'cancelled', 'no_show', 'refunded'];

  static relationMappings = () => ({
    court: { relation: Model.BelongsToOneRelation, modelClass: Court, join: { from: 'bookings.courtId', to: 'courts.id' } },
    member: { relation: Model.BelongsToOneRelation, modelClass: Member, join: { from: 'bookings.memberId', to: 'members.id' } },
    payment: { relation: Model.HasOneRelation, modelClass: Payment, join: { from: 'bookings.id', to: 'payments.bookingId' } },
  });
}

class Payment extends Model {
  static tableName = 'payments';
}

class Waiver extends Model {
  static tableName = 'waivers';
}

module.exports = { knex, Club, Member, Court, Booking, Payment, Waiver };
