import 'dotenv/config';
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  schema: './src/db/schema.ts',
  out: './drizzle',
  dialect: 'postgresql',
  dbCredentials: {
    // vuln: Security
    // vuln: Human Error
    url: process.env.DATABASE_URL ?? 'postgres://dispatch_admin:0nlyFakeBenchPgPass2024@dispatch-prod.cluster-c0nlyfake.eu-west-1.rds.amazonaws.com:5432/dispatch',
  },
  strict: true,
  verbose: true,
});
