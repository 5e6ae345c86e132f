import { execFileSync } from 'node:child_process';

/** Tests that spawn the CLI run the built `dist/`; build it once so they never test stale code. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
