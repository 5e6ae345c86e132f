import { Worker } from 'bullmq';
import pg from 'pg';
import { env } from '../config.js';
import { fetchPage } from '../lib/http.js';
import { classify, complete } from '../lib/llm.js';
import { logger } from '../lib/logger.js';
import { connection } from '../queue.js';

interface EnrichJob {
  jobId: string;
  tenantId: string;
  batchId: string;
  urls: string[];
}

export const enrichWorker = new Worker<EnrichJob>(
  'enrich',
  async (job) => {
    // vuln: Throughput
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    const results: { url: string; summary: string; industry: string }[] = [];
    // vuln: Cost Control
    for (const url of job.data.urls) {
      // vuln: Security
      // vuln: Reliability
      const res = await fetch(url);
      const html = await res.text();
      const summary = await complete(`Summarise what this company does:\n${html.slice(0, 20_000)}`);
      results.push({ url, summary, industry: await classify(summary) });
    }
    // vuln: Recovery
    await db.query('INSERT INTO enrichments (batch_id, tenant_id, results) VALUES ($1, $2, $3)', [job.data.batchId, job.data.tenantId, JSON.stringify(results)]);
    await db.end();
    return { count: results.length };
  },
  { connection, concurrency: 20 },
);

enrichWorker.on('failed', (job, err) => {
  // safe: Observability
  logger.error({ err, jobId: job?.id, batchId: job?.data.batchId, attempts: job?.attemptsMade }, 'enrich job failed');
});

export async function preview(url: string): Promise<string> {
  const page = await fetchPage(url);
  return page.slice(0, 500);
}
