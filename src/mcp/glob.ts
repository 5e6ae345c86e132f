import picomatch from 'picomatch';

/** A path filter from a glob; a glob without a slash matches file names anywhere (`*.ts`). */
export function globFilter(glob: string | undefined): (path: string) => boolean {
  if (!glob) return () => true;
  const matches = picomatch(glob, { dot: true, basename: !glob.includes('/') });
  // One argument only: picomatch's second parameter asks for a result object (always truthy), and
  // Array#filter passes the index there, so `.filter(globFilter(g))` kept every file but the first.
  return (path) => matches(path);
}
