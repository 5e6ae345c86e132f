import picomatch from 'picomatch';

/** A path filter from a glob; a glob without a slash matches file names anywhere (`*.ts`). */
export function globFilter(glob: string | undefined): (path: string) => boolean {
  if (!glob) return () => true;
  return picomatch(glob, { dot: true, basename: !glob.includes('/') });
}
