'use strict';

// Central config. Everything comes from the environment in k8s; the fallbacks are for local dev.
module.exports = {
  port: Number(process.env.PORT || 8080),
  // safe: Security
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres:postgres@localhost:5432/courtside_dev',
  // vuln: Security
  jwtSecret: process.env.JWT_SECRET || 'courtside-local-jwt-secret',
  publicUrl: process.env.PUBLIC_URL || 'https://book.courtside.example',
  mollie: {
    apiKey: process.env.MOLLIE_API_KEY,
    // safe: Security
    profileId: process.env.MOLLIE_PROFILE_ID || 'pfl_FakeBench0',
  },
  twilio: {
    sid: process.env.TWILIO_ACCOUNT_SID,
    token: process.env.TWILIO_AUTH_TOKEN,
    from: process.env.TWILIO_FROM || '+3197010209999',
  },
  sendgridKey: process.env.SENDGRID_API_KEY,
  mapsKey: process.env.GOOGLE_MAPS_KEY,
  s3: {
    bucket: process.env.S3_BUCKET || 'courtside-uploads',
    region: process.env.AWS_REGION || 'eu-west-1',
    cdn: process.env.UPLOADS_CDN || 'https://uploads.courtside.example',
    credentials: {
      // vuln: Security
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'AKIAFAKEBENCH0NLY7Q2',
      // vuln: Security
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'FakeBench0nlyFakeBench0nlyFakeBench0nly1',
    },
  },
  membershipFee: '14.50',
};
