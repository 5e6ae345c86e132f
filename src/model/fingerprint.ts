import { createHash } from 'node:crypto';

/**
 * A fingerprint that survives unrelated edits: it hashes the rule, the file and the cited text
 * (whitespace-normalised), not line numbers, so code moving down a file keeps its identity.
 * `occurrence` separates identical lines in one file.
 */
export function fingerprintOf(ruleId: string, file: string, citedLines: readonly string[], occurrence = 0): string {
  return createHash('sha256').update(`${ruleId}\0${file}\0${normalisedText(citedLines)}\0${occurrence}`).digest('hex').slice(0, 16);
}

/** Cited lines as the fingerprint sees them; callers counting occurrences must count on this same form. */
export function normalisedText(lines: readonly string[]): string {
  return lines.map((line) => line.trim().replace(/\s+/g, ' ')).join('\n');
}
