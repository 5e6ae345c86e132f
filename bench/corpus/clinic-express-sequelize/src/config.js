require('dotenv').config();

module.exports = {
  env: process.env.NODE_ENV || 'development',
  port: Number(process.env.PORT || 3000),
  // vuln: Security
  jwtSecret: process.env.JWT_SECRET || 'clinic-dev-secret',
  jwtTtl: '12h',
  db: {
    // vuln: Human Error
    host: process.env.DB_HOST || 'clinic-prod.cluster-c0nlyfakebench.eu-west-1.rds.amazonaws.com',
    name: process.env.DB_NAME || 'clinic',
    user: process.env.DB_USER || 'clinic_app',
    password: process.env.DB_PASSWORD,
  },
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  mongoUrl: process.env.MONGO_URL || 'mongodb://127.0.0.1:27017/clinic-jobs',
  adyen: {
    apiKey: process.env.ADYEN_API_KEY,
    merchantAccount: process.env.ADYEN_MERCHANT_ACCOUNT,
    hmacKey: process.env.ADYEN_HMAC_KEY,
    environment: process.env.NODE_ENV === 'production' ? 'LIVE' : 'TEST',
    liveUrlPrefix: process.env.ADYEN_LIVE_PREFIX,
  },
  anthropicKey: process.env.ANTHROPIC_API_KEY,
  openaiKey: process.env.OPENAI_API_KEY,
  vonage: { apiKey: process.env.VONAGE_API_KEY, apiSecret: process.env.VONAGE_API_SECRET, from: 'NorthsideMD' },
  smtp: { host: process.env.SMTP_HOST, user: process.env.SMTP_USER, pass: process.env.SMTP_PASS },
  uploadDir: process.env.UPLOAD_DIR || '/var/clinic/uploads',
  tmpDir: '/tmp/clinic-uploads',
};
