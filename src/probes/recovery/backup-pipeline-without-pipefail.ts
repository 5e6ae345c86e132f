import type { SourceFile } from '../../repo/view.js';
import { defineProbe, type Hit } from '../types.js';

/** A database dump whose output is piped on (to gzip, openssl, aws s3 cp -): the pipeline's status is the last command's. */
const DUMP_PIPE = /\b(pg_dump(?:all)?|mysqldump|mariadb-dump|mongodump|sqlite3\b[^|\n]*\.dump|redis-cli\b[^|\n]*--rdb)\b[^|\n]*\|(?!\|)/;
/** The ways a script makes a failed stage fail the pipeline, or checks it by hand. */
const HANDLED = /pipefail|PIPESTATUS/;

export default defineProbe({
  meta: {
    id: 'backup-pipeline-without-pipefail',
    title: 'Backup pipeline hides a failed dump',
    category: 'Recovery',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-390',
    confidence: 'high',
    description: 'A shell step pipes a database dump (pg_dump, mysqldump, mongodump) into another command without `set -o pipefail`, so the step succeeds even when the dump fails.',
    impact: 'When the dump fails (credentials rotated, disk full, connection dropped), gzip or the upload still exits 0: the job reports success and stores an empty or truncated backup, found out only when a restore is needed.',
    remediation: 'Start the script with `set -euo pipefail` (or run it with `bash -o pipefail`), and verify the artefact after writing it (non-empty, `pg_restore --list`, a periodic restore test).',
    effort: 'hours',
  },
  applies: (ctx) => candidates(ctx.files(['shell', 'yaml', 'dockerfile'], [DUMP_PIPE])).length > 0,
  detect(ctx) {
    return candidates(ctx.files(['shell', 'yaml', 'dockerfile'], [DUMP_PIPE])).flatMap((file): Hit[] =>
      file.lines.flatMap((text, index): Hit[] => {
        const match = DUMP_PIPE.exec(text);
        if (!match || /^\s*#/.test(text) || HANDLED.test(scriptAround(file, index).replace(/^\s*#.*$/gm, ''))) return [];
        return [{ file, line: index + 1, message: `${match[1]!.split(/\s/)[0]} is piped on without pipefail: if it fails, the step still succeeds and the backup is empty or truncated.` }];
      }),
    );
  },
});

function candidates(files: SourceFile[]): SourceFile[] {
  return files.filter((file) => file.lines.some((line) => DUMP_PIPE.test(line)));
}

/**
 * The text of the script that runs line `index`: a whole shell file or Dockerfile, or in YAML the
 * block scalar holding the line plus the few lines above it that choose the shell (`command:`, `shell:`).
 */
function scriptAround(file: SourceFile, index: number): string {
  if (file.language !== 'yaml') return file.text;
  const indent = (line: string): number => line.length - line.trimStart().length;
  const own = indent(file.lines[index]!);
  const inBlock = (i: number): boolean => file.lines[i]!.trim() === '' || indent(file.lines[i]!) >= own;
  let [start, end] = [index, index];
  while (start > 0 && inBlock(start - 1)) start--;
  while (end + 1 < file.lines.length && inBlock(end + 1)) end++;
  return file.lines.slice(Math.max(0, start - 4), end + 1).join('\n');
}
