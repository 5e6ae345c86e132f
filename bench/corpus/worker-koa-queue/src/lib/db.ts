import pg from 'pg';
import { env } from '../config.js';

export const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10, statement_timeout: 10_000, connectionTimeoutMillis: 5_000 });

export async function withTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
