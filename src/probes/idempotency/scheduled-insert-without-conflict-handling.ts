import { findNodes, lineOf, ts } from '../support/ast.js';
import { scheduledFunctions } from '../support/jobs.js';
import { defineProbe, type Hit } from '../types.js';

const INSERT = /^\s*insert\s+into\s+[\w."`]+\s*(\([^)]*\))?\s*([\s\S]*)$/i;
/** What makes a rerun land on the same rows instead of adding new ones. */
const CONFLICT = /\bon\s+conflict\b|\bon\s+duplicate\s+key\b|^\s*insert\s+(?:or\s+\w+\s+)?ignore\b|\binsert\s+or\s+replace\b|\bwhere\s+not\s+exists\b/i;
/** A row per period: running the job twice for one period doubles it. */
const PERIOD_COLUMN = /\b(?:day|date|month|week|year|period|hour|bucket)\b/i;

export default defineProbe({
  meta: {
    id: 'scheduled-insert-without-conflict-handling',
    title: 'Scheduled job inserts without conflict handling',
    category: 'Idempotency',
    severity: 'HIGH',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A cron-scheduled function writes derived or per-period rows with a plain `INSERT` (no `ON CONFLICT`, `ON DUPLICATE KEY` or `INSERT IGNORE`), so running it twice inserts the rows twice.',
    impact: 'Schedulers rerun jobs: two replicas each fire the cron, a failed run is retried, an operator reruns it by hand. Each extra run adds a second rollup or copy, and totals, invoices or reports built on them are doubled.',
    remediation: 'Give the target a unique key on its natural identity (account and period) and write with `INSERT … ON CONFLICT (…) DO UPDATE` (or `DO NOTHING`), so a rerun converges on the same rows; also guard the job against running on two replicas at once.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['schedule', '@Cron', 'CronJob']).length > 0,
  detect(ctx) {
    return ctx.scripts(['schedule', '@Cron', 'CronJob']).flatMap((file) => {
      const seen = new Set<ts.Node>();
      return scheduledFunctions(ctx, file).flatMap((fn) =>
        findNodes(fn, (n): n is ts.StringLiteralLike | ts.TemplateExpression => ts.isStringLiteralLike(n) || ts.isTemplateExpression(n)).flatMap((literal): Hit[] => {
          const sql = ts.isTemplateExpression(literal) ? literal.getText().slice(1, -1) : literal.text;
          const match = INSERT.exec(sql);
          if (!match || seen.has(literal) || CONFLICT.test(sql)) return [];
          seen.add(literal);
          // An append-only log (`INSERT INTO job_runs VALUES …`) is meant to grow with every run.
          if (!/^\s*(?:with\b|select\b)/i.test(match[2]!) && !PERIOD_COLUMN.test(match[1] ?? '')) return [];
          const statement = ts.findAncestor(literal, (n) => ts.isExpressionStatement(n) || ts.isVariableStatement(n) || ts.isReturnStatement(n)) ?? literal;
          return [{ file, line: lineOf(statement), message: 'This scheduled job inserts rows with no conflict handling: a second run for the same period inserts them again.' }];
        }),
      );
    });
  },
});
