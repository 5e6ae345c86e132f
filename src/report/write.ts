import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError, isErrnoException } from '../errors.js';
import { AuditReport } from '../model/report.js';
import type { Redactor } from '../repo/secrets.js';
import { renderMarkdown } from './markdown.js';
import { redactReport } from './redact-report.js';

export const REPORT_FORMATS = ['md', 'json', 'sarif', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

// SARIF and HTML load on demand: SARIF reads every probe's metadata (and so the parsers the probes
// use), and the CLI imports this module just to list the formats in --help.
const RENDERERS: Record<ReportFormat, (report: AuditReport) => string | Promise<string>> = {
  md: renderMarkdown,
  json: (report) => `${JSON.stringify(AuditReport.parse(report), null, 2)}\n`,
  sarif: async (report) => {
    const [{ renderSarif }, { PROBES }] = await Promise.all([import('./sarif.js'), import('../probes/registry.js')]);
    return renderSarif(report, PROBES.map((p) => p.meta));
  },
  html: async (report) => (await import('./html.js')).renderHtml(report),
};

/** `20261124T081500Z-flawed-shop`: sortable, filesystem-safe on every OS. */
export function reportBaseName(report: AuditReport): string {
  const stamp = report.finishedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const slug = report.target.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'audit';
  return `${stamp}-${slug}`;
}

/**
 * Renders every format, then writes each to a temporary file and renames it into place: a reader
 * never sees a half-written report, and if any write fails no report of this run is left behind.
 * Every string is redacted before rendering (escaping for HTML or JSON could otherwise disguise a
 * secret from the redactor), and every byte passes the redactor again on the way out.
 */
export async function writeReports(report: AuditReport, outDir: string, formats: readonly ReportFormat[], redactor: Redactor): Promise<string[]> {
  const base = reportBaseName(report);
  const safe = redactReport(report, redactor);
  const rendered = await Promise.all(formats.map(async (format) => ({ target: path.join(outDir, `${base}.${format}`), text: redactor.redact(await RENDERERS[format](safe)) })));
  try {
    await fs.mkdir(outDir, { recursive: true });
  } catch (error) {
    throw outputError(outDir, error);
  }
  const temps: string[] = [];
  try {
    for (const { target, text } of rendered) {
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      temps.push(temp);
      await fs.writeFile(temp, text, { flag: 'wx' });
    }
    for (const [i, { target }] of rendered.entries()) await fs.rename(temps[i]!, target);
  } catch (error) {
    await Promise.all(temps.map((temp) => fs.rm(temp, { force: true })));
    throw outputError(outDir, error);
  }
  return rendered.map((r) => r.target);
}

function outputError(outDir: string, error: unknown): Error {
  if (isErrnoException(error) && ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EEXIST'].includes(error.code!)) {
    return new UserError(`Cannot write the report to ${outDir}: ${error.code}`, 'Choose a writable folder with --out DIR.', { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
