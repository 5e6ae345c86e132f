import { execFileSync } from 'node:child_process';

/** Tests that spawn the CLI run the built `dist/`; build it once so they never test stale code. */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
