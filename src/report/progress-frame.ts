import { roleOf } from '../agents/roster.js';
import type { AuditEvent } from '../workflow/events.js';
import { gateOutcome } from './progress-lines.js';
import { agentsInOrder, type AgentView, type PhaseView, type ProgressState } from './progress-state.js';
import { clean, duration, fit, plainText, plural, tokens, usd, type Line, type Segment } from './progress-text.js';

/**
 * The TTY status block as lines of styled segments: a pure function of the state, the clock and the
 * spinner tick, so tests and the live terminal draw the same thing.
 */

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const NAME_WIDTH = 40;
/** Room kept right of a phase name for its status ("running · 12 findings"). */
const STATUS_ROOM = 22;
const AGENT_WIDTH = 19;

export interface FrameInput {
  readonly state: ProgressState;
  readonly now: number;
  readonly tick: number;
  /** The last frame: nothing spins, because nothing will move again. */
  readonly final: boolean;
  /** Columns the block may use; phase names shrink first, so the status stays in view. */
  readonly width: number;
}

const seg = (text: string, style?: Segment['style']): Segment => (style ? { text, style } : { text });

export function frameLines(input: FrameInput): Line[] {
  const { state } = input;
  // A frame drawn on close may still show running work (an interrupted run): a still glyph says so.
  const spinner = input.final ? '⠿' : SPINNER[input.tick % SPINNER.length]!;
  const nameWidth = Math.max(12, Math.min(NAME_WIDTH, input.width - 5 - STATUS_ROOM));
  const agents = agentsInOrder(state);
  // The explorer maps the system in phase 2; the specialists work across phases 3–8 at once.
  const explorer = agents.filter((a) => a.name === 'system-explorer');
  const specialists = agents.filter((a) => a.name !== 'system-explorer');
  const lines: Line[] = [];
  for (const phase of state.phases) {
    lines.push(phaseLine(phase, spinner, nameWidth));
    if (phase.id === 2) lines.push(...agentLines(explorer, input, spinner));
    if (phase.id === 8) lines.push(...agentLines(specialists, input, spinner));
  }
  lines.push([seg(` ${'─'.repeat(Math.min(NAME_WIDTH + 24, input.width - 1))}`, 'dim')], footer(input));
  if (state.verdict) lines.push(verdictLine(state));
  return lines;
}

function phaseLine(phase: PhaseView, spinner: string, nameWidth: number): Line {
  const name = plainText(fit([seg(clean(phase.name))], nameWidth)).padEnd(nameWidth);
  const head = (icon: Segment): Segment[] => [seg(' '), icon, seg(` ${phase.id} ${name} `)];
  const note = phase.note ? [seg(` · ${clean(phase.note)}`, 'dim')] : [];
  switch (phase.status) {
    case 'pending':
      return [seg(' '), seg('·', 'dim'), seg(` ${phase.id} ${name} `, 'dim'), seg('pending', 'dim')];
    case 'running':
      return [...head(seg(spinner, 'active')), seg('running', 'active'), seg(phase.findings > 0 ? ` · ${plural(phase.findings, 'finding')}` : '')];
    case 'done':
      return [...head(seg('✓', 'ok')), seg('done', 'ok'), seg(` · ${plural(phase.findings, 'finding')}`), ...note];
    case 'skipped':
      return [seg(' '), seg('-', 'dim'), seg(` ${phase.id} ${name} `, 'dim'), seg('skipped', 'dim'), ...note];
  }
}

const AGENT_LOOK: Record<AgentView['status'], { icon: string; style: Segment['style'] }> = {
  running: { icon: '', style: 'active' },
  completed: { icon: '✓', style: 'ok' },
  partial: { icon: '!', style: 'warn' },
  failed: { icon: '✗', style: 'bad' },
  cancelled: { icon: '-', style: 'dim' },
};

function agentLines(agents: readonly AgentView[], input: FrameInput, spinner: string): Line[] {
  return agents.map((agent, i) => {
    const look = AGENT_LOOK[agent.status];
    const branch = i === agents.length - 1 ? '└' : '├';
    const phases = roleOf(agent.name).phases.join(',');
    const end = agent.finishedAt ?? input.now;
    const elapsed = agent.startedAt !== undefined ? duration(end - agent.startedAt) : '—';
    // Fixed columns, 79 wide in all: an 80-column terminal shows every one of them.
    const columns = [
      plural(agent.findings, 'finding').padStart(11),
      (agent.tokens !== undefined ? tokens(agent.tokens) : '—').padStart(9),
      elapsed.padStart(5),
      (agent.usd !== undefined ? usd(agent.usd) : '—').padStart(6),
    ].join('  ');
    return [
      seg(`   ${branch} `, 'dim'),
      seg(agent.status === 'running' ? spinner : look.icon, look.style),
      seg(` ${agent.name.padEnd(AGENT_WIDTH)} `),
      seg(`[${phases}]`.padEnd(6), 'dim'),
      seg(agent.status.padEnd(9), look.style),
      seg(columns),
      // The reason is on its own line above the block; here a marker is enough.
      ...(agent.budget ? [seg('  stopped by budget', 'warn')] : []),
    ];
  });
}

function footer(input: FrameInput): Line {
  const { state } = input;
  const finished = agentsInOrder(state).filter((a) => a.status !== 'running').length;
  return [
    seg(' '),
    seg(`stop-ship ${state.stopShip}`, state.stopShip > 0 ? 'bad' : 'ok'),
    seg(` · ${plural(state.findings, 'finding')}`),
    seg(` · elapsed ${duration(input.now - state.startedAt)}`),
    ...(state.agents.size > 0 ? [seg(` · agents ${finished}/${state.agents.size} done · ${usd(state.usd)}`, 'dim')] : []),
  ];
}

function verdictLine(state: ProgressState): Line {
  const v = state.verdict!;
  const style = v.blocked ? 'bad' : /CONDITIONAL/i.test(v.rating) ? 'warn' : 'ok';
  return [seg(' verdict '), seg(clean(v.rating), style), seg(` · readiness ${v.readinessScore}/100 · ${v.stopShip} stop-ship${v.blocked ? ' · blocked' : ''}`)];
}

/**
 * Events that deserve lines of their own, printed above the block so they stay in the scrollback
 * once the block moves on. Not truncated: the whole title and location matter here.
 */
export function noticeLines(event: AuditEvent): Line[] {
  switch (event.type) {
    case 'gate':
      return [
        [
          seg(' ▲ STOP-SHIP GATE ', 'alert'),
          seg(` phase ${event.phase} → `),
          seg(gateOutcome(event.decision), event.decision === 'stop' ? 'bad' : 'warn'),
          seg(` (${event.mode})`, 'dim'),
        ],
        [seg('   '), seg(clean(event.title), 'bold'), seg(` at ${clean(event.location)}`)],
      ];
    case 'budget':
      return [[seg(' budget ', 'warn'), seg(`${event.agent}: ${clean(event.reason)}`)]];
    case 'error':
      return [[seg(' error ', 'bad'), seg(clean(event.message))]];
    default:
      return [];
  }
}
