import type { AuditReport } from '../model/report.js';
import type { Redactor } from '../repo/secrets.js';

/**
 * A copy of the report with every string redacted. Writers escape text for their format (`&amp;` in
 * HTML, `\"` in JSON), and an escaped secret no longer matches the redactor's patterns or known
 * values; redacting the strings before any escaping closes that gap.
 */
export function redactReport(report: AuditReport, redactor: Redactor): AuditReport {
  return redactValue(report, redactor) as AuditReport;
}

function redactValue(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, redactor)]));
  }
  return value;
}
