import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError, isErrnoException } from '../errors.js';
import { AuditReport } from '../model/report.js';
import type { Redactor } from '../repo/secrets.js';
import { renderMarkdown } from './markdown.js';

export const REPORT_FORMATS = ['md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, (report: AuditReport) => string> = {
  md: renderMarkdown,
  json: (report) => `${JSON.stringify(AuditReport.parse(report), null, 2)}\n`,
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
 * Every byte passes the redactor on the way out.
 */
export async function writeReports(report: AuditReport, outDir: string, formats: readonly ReportFormat[], redactor: Redactor): Promise<string[]> {
  const base = reportBaseName(report);
  const rendered = formats.map((format) => ({ target: path.join(outDir, `${base}.${format}`), text: redactor.redact(RENDERERS[format](report)) }));
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
