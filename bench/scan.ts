/**
 * One measured scan, in its own process so peak memory is this scan's alone. It runs the built
 * engine (dist/), as `npx prod-audit` does, so the probe workers load compiled JavaScript.
 * Usage: tsx bench/scan.ts <root> [--no-default-excludes] [--max-file-bytes N] [--mode auto|single|sharded] [--workers N]
 * Prints one JSON line with the measurements.
 */
type Engine = typeof import('../src/repo/collect.js') & typeof import('../src/repo/redactor.js') & typeof import('../src/probes/pass.js') & typeof import('../src/probes/registry.js');
// Typed from the sources, loaded from the build (computed URLs, so typechecking needs no build).
const built = (module: string): Promise<Partial<Engine>> => import(new URL(`../dist/${module}`, import.meta.url).href) as Promise<Partial<Engine>>;
const { collectRepo, redactorFor, runProbePass, PROBES } = Object.assign({}, ...(await Promise.all(['repo/collect.js', 'repo/redactor.js', 'probes/pass.js', 'probes/registry.js'].map(built)))) as Engine;

const [root, ...flags] = process.argv.slice(2);
if (!root) throw new Error('Expected a folder to scan, got nothing');
const option = (name: string): string | undefined => {
  const index = flags.indexOf(name);
  return index >= 0 ? flags[index + 1] : undefined;
};
const maxFileBytes = option('--max-file-bytes');
const mode = (option('--mode') ?? 'auto') as 'auto' | 'single' | 'sharded';
const workers = option('--workers');

const started = performance.now();
const view = await collectRepo(root, {
  git: false,
  defaultExcludes: !flags.includes('--no-default-excludes'),
  ...(maxFileBytes ? { maxFileBytes: Number(maxFileBytes) } : {}),
});
const collected = performance.now();
const run = await runProbePass(view, PROBES, redactorFor(view), { mode, ...(workers ? { workers: Number(workers) } : {}) });
const probed = performance.now();

const lines = view.files.reduce((sum, file) => sum + file.lines.length, 0);
console.log(
  JSON.stringify({
    files: view.files.length,
    skipped: view.skipped.length,
    lines,
    bytes: view.totalBytes,
    collectMs: collected - started,
    probeMs: probed - collected,
    totalMs: probed - started,
    findings: run.findings.length,
    probeErrors: run.outcomes.filter((o) => o.status === 'error').map((o) => `${o.id}: ${o.error}`),
    // Worker threads share the process, so this is the peak of the main thread and its workers together.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
