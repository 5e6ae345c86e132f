import type { AgentEstimate } from '../agents/estimate.js';
import type { DryRunPlan } from '../workflow/dry-run.js';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function tokens(n: number): string {
  return n.toLocaleString('en-US');
}

function usd(n: number): string {
  return `$${n < 0.995 ? n.toFixed(3) : n.toFixed(2)}`;
}

/** A plain table: columns padded, numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(0, -1).map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(rows.at(-1)!)].join('\n');
}

function turnsCell(a: AgentEstimate): string {
  return a.cappedBy ? `${a.turns}/${a.plannedTurns}*` : String(a.turns);
}

/** `audit --dry-run` on a terminal: the scope, then one row per agent and a total, then what each would read. */
export function renderDryRun(plan: DryRunPlan): string {
  const { estimate } = plan;
  const out: string[] = [];
  out.push(`prod-audit dry run: ${plan.target.name} — nothing sent to a model, no report written`, '');
  out.push(`Scope        ${plan.scope.files} files, ${bytes(plan.scope.bytes)}${plan.scope.skipped > 0 ? ` (${plan.scope.skipped} skipped)` : ''}; strictness ${plan.strictness}`);
  if (plan.phases) out.push(`Phases       ${plan.phases.join(', ')} (1, 2 and 9 always run)`);
  if (plan.focus) out.push(`Focus        ${plan.focus.terms.join(', ')}: ${plan.focus.files} files`);
  if (plan.since) out.push(`Since        ${plan.since.ref}: ${plan.since.changedFiles} changed files`);
  out.push(`Probes       ${plan.probes.ran} ran, ${plan.probes.findings} findings (the agents' leads)`);
  out.push(
    plan.mode === 'agents'
      ? `Agents       would run: model ${estimate.model}, at most ${plan.budget.maxTurns} turns each, budget ${usd(plan.budget.usd)}`
      : `Agents       would NOT run: ${plan.probesOnlyBecause}, so the audit would be probes only (no model cost).\n             Below: what they would cost with ${estimate.model}, at most ${plan.budget.maxTurns} turns each.`,
  );
  out.push('');
  if (estimate.agents.length === 0) {
    out.push('No agent selected.');
  } else {
    const rows = estimate.agents.map((a) => [
      a.name,
      String(a.files.length),
      bytes(a.bytes),
      String(a.leads),
      turnsCell(a),
      tokens(a.inputTokens),
      tokens(a.cacheReadTokens),
      tokens(a.outputTokens),
      a.reused ? 'reused' : usd(a.usd),
    ]);
    const t = estimate.total;
    rows.push(['total', String(estimate.agents.reduce((s, a) => s + a.files.length, 0)), bytes(estimate.agents.reduce((s, a) => s + a.bytes, 0)), String(estimate.agents.reduce((s, a) => s + a.leads, 0)), String(t.turns), tokens(t.inputTokens), tokens(t.cacheReadTokens), tokens(t.outputTokens), usd(t.usd)]);
    out.push(table(['agent', 'files', 'bytes', 'leads', 'turns', 'input tok', 'cached', 'output tok', 'USD'], rows));
    const capped = estimate.agents.filter((a) => a.cappedBy);
    if (capped.length > 0) out.push('', ...capped.map((a) => `* ${a.name}: its plan needs ${a.plannedTurns} turns; the ${a.cappedBy} limit stops it after ${a.turns} (partial)`));
    out.push(
      '',
      estimate.exceedsBudget
        ? `Over budget: the estimate ${usd(t.usd)} exceeds --budget-usd ${usd(plan.budget.usd)}; the audit would stop agents at the cap and mark them partial.`
        : `Within budget: ${usd(t.usd)} of ${usd(plan.budget.usd)}.`,
    );
    out.push('', 'Expected reads (from the probe leads, then the system map for each role):');
    for (const a of estimate.agents) out.push(`  ${a.name}: ${a.files.length > 0 ? a.files.join(', ') : '(none)'}`);
  }
  out.push('', 'Input counts every turn re-sending the conversation; "cached" is the part read from the prompt cache at 0.1×.');
  out.push('An estimate (four characters a token): expect ±30 % for the audit, more for one agent.');
  for (const note of plan.notes) out.push(note);
  return `${out.join('\n')}\n`;
}
