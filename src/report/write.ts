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
  const renamed: string[] = [];
  try {
    for (const { target, text } of rendered) {
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      temps.push(temp);
      await fs.writeFile(temp, text, { flag: 'wx' });
    }
    for (const [i, { target }] of rendered.entries()) {
      await fs.rename(temps[i]!, target);
      renamed.push(target);
    }
  } catch (error) {
    // A rename can fail after others succeeded (an I/O error): those reports go too, so a run leaves
    // all of its reports or none, never a set that looks complete in one format and is missing another.
    await Promise.all([...temps, ...renamed].map((file) => fs.rm(file, { force: true })));
    throw outputError(outDir, error);
  }
  return rendered.map((r) => r.target);
}

/** What each write failure means for the person choosing --out: the cause, and the step that fixes it. */
const OUTPUT_ERRORS: Record<string, { cause?: string; hint: string }> = {
  EACCES: { hint: 'Choose a writable folder with --out DIR.' },
  EPERM: { hint: 'Choose a writable folder with --out DIR.' },
  EROFS: { hint: 'Choose a writable folder with --out DIR.' },
  ENOTDIR: { hint: 'Choose a writable folder with --out DIR: part of this path is a file.' },
  EEXIST: { hint: 'Choose a writable folder with --out DIR: this path is a file.' },
  ENOSPC: { cause: 'the disk is full', hint: 'Free some space on that disk, or choose a folder on another one with --out DIR.' },
  EDQUOT: { cause: 'the disk quota is used up', hint: 'Free some space, or choose another folder with --out DIR.' },
  EIO: { cause: 'an input/output error', hint: 'Check that disk, or choose a folder on another one with --out DIR.' },
};

export function outputError(outDir: string, error: unknown): Error {
  const known = isErrnoException(error) ? OUTPUT_ERRORS[error.code!] : undefined;
  if (known) {
    const code = (error as NodeJS.ErrnoException).code!;
    return new UserError(`Cannot write the report to ${outDir}: ${known.cause ? `${known.cause} (${code})` : code}`, known.hint, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
