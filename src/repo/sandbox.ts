import fs from 'node:fs';
import path from 'node:path';

/** Why a path inside the target was refused. Shared by the walk and by the MCP file tools. */
export class PathRefused extends Error {
  override readonly name = 'PathRefused';
  constructor(
    readonly requested: string,
    readonly reason: string,
  ) {
    super(`Refused path ${JSON.stringify(requested)}: ${reason}`);
  }
}

/** True when `relative` (from path.relative) climbs out of its base; a file named `..foo` does not. */
export function climbsOut(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

/** Converts a native relative path to the forward-slash form used in findings and reports. */
export function toPosix(relativePath: string): string {
  return relativePath.split(path.sep).join('/');
}

/**
 * Resolves `requested` (relative to `root`, which must already be a real path) and proves the
 * result stays inside it, following symlinks. Throws PathRefused otherwise.
 */
export function resolveInside(root: string, requested: string): { absolute: string; relative: string } {
  if (requested.includes('\0')) throw new PathRefused(requested, 'it contains a NUL byte');
  if (path.isAbsolute(requested) || /^[a-zA-Z]:[\\/]/.test(requested)) {
    throw new PathRefused(requested, 'absolute paths are not allowed; give a path relative to the audited root');
  }
  const absolute = path.resolve(root, requested);
  const relative = path.relative(root, absolute);
  if (climbsOut(relative)) {
    throw new PathRefused(requested, 'it leaves the audited root');
  }
  let real: string;
  try {
    real = fs.realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PathRefused(requested, 'no such file');
    if (code === 'ELOOP') throw new PathRefused(requested, 'it is a symlink loop');
    throw new PathRefused(requested, `it cannot be resolved (${code ?? 'unknown error'})`);
  }
  const realRelative = path.relative(root, real);
  if (climbsOut(realRelative)) {
    throw new PathRefused(requested, 'it is a symlink that leads outside the audited root');
  }
  const posix = toPosix(realRelative);
  if (posix === '.git' || posix.startsWith('.git/')) {
    throw new PathRefused(requested, 'git internals are not part of the audit');
  }
  return { absolute: real, relative: posix };
}
