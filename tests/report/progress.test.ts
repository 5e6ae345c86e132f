import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressView, progressModeFor, type ProgressMode, type ProgressView } from '../../src/report/progress.js';
import type { AuditEvent } from '../../src/workflow/events.js';

const START = Date.parse('2026-11-24T08:15:00Z');
const SGR = /\x1b\[[0-9;]*m/;
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';

/** A whole audit with agents, as [seconds since start, event]: what the workflow emits, in its order. */
const SCRIPT: readonly (readonly [number, AuditEvent])[] = [
  [0, { type: 'phase-started', phase: 1, name: 'Launch context and risk framing' }],
  [1, { type: 'phase-finished', phase: 1, name: 'Launch context and risk framing', findings: 0, note: 'strictness high' }],
  [1, { type: 'phase-started', phase: 2, name: 'System and architecture mapping' }],
  [2, { type: 'agent-started', agent: 'system-explorer' }],
  [40, { type: 'agent-finished', agent: 'system-explorer', status: 'completed', findings: 0, turns: 9, tokens: 41_200, usd: 0.0412 }],
  [40, { type: 'phase-finished', phase: 2, name: 'System and architecture mapping', findings: 0 }],
  [41, { type: 'phase-started', phase: 3, name: 'Codebase health' }],
  [41, { type: 'phase-started', phase: 4, name: 'Data safety and migrations' }],
  [41, { type: 'phase-started', phase: 5, name: 'Security and abuse' }],
  [41, { type: 'phase-started', phase: 6, name: 'Performance and load readiness' }],
  [41, { type: 'phase-started', phase: 7, name: 'Observability and debuggability' }],
  [41, { type: 'phase-started', phase: 8, name: 'Operational readiness and failure modes' }],
  [42, { type: 'agent-started', agent: 'code-auditor' }],
  [42, { type: 'agent-started', agent: 'security-auditor' }],
  [42, { type: 'agent-started', agent: 'reliability-auditor' }],
  [42, { type: 'agent-started', agent: 'ops-auditor' }],
  [43, { type: 'finding', phase: 3, severity: 'MEDIUM', title: 'Unbounded retry loop', location: 'src/jobs/sync.ts:88', stopShip: false, source: 'probe:unbounded-retry' }],
  [62, { type: 'finding', phase: 5, severity: 'CRITICAL', title: 'Refund endpoint has no authorization check', location: 'src/routes/refunds.ts:14', stopShip: true, source: 'agent:security-auditor' }],
  [62, { type: 'gate', phase: 5, title: 'Refund endpoint has no authorization check', location: 'src/routes/refunds.ts:14', decision: 'continue', mode: 'report-only' }],
  [75, { type: 'finding', phase: 4, severity: 'HIGH', title: 'Migration drops a column without a backfill', location: 'migrations/0042.sql:3', stopShip: false, source: 'reliability-auditor' }],
  [90, { type: 'agent-finished', agent: 'security-auditor', status: 'completed', findings: 1, turns: 14, tokens: 88_310, usd: 0.1532 }],
  [101, { type: 'budget', agent: 'reliability-auditor', reason: 'stopped: turn budget (24) reached' }],
  [101, { type: 'agent-finished', agent: 'reliability-auditor', status: 'partial', findings: 1, turns: 24, tokens: 120_400, usd: 0.2118, note: 'stopped: turn budget (24) reached' }],
  [110, { type: 'agent-finished', agent: 'code-auditor', status: 'completed', findings: 0, turns: 11, tokens: 65_000, usd: 0.0975 }],
  [118, { type: 'agent-finished', agent: 'ops-auditor', status: 'completed', findings: 0, turns: 10, tokens: 52_750, usd: 0.081 }],
  [119, { type: 'phase-finished', phase: 3, name: 'Codebase health', findings: 1 }],
  [119, { type: 'phase-finished', phase: 4, name: 'Data safety and migrations', findings: 1 }],
  [119, { type: 'phase-finished', phase: 5, name: 'Security and abuse', findings: 1 }],
  [119, { type: 'phase-finished', phase: 6, name: 'Performance and load readiness', findings: 0 }],
  [119, { type: 'phase-finished', phase: 7, name: 'Observability and debuggability', findings: 0 }],
  [119, { type: 'phase-finished', phase: 8, name: 'Operational readiness and failure modes', findings: 0 }],
  [120, { type: 'phase-started', phase: 9, name: 'Launch verdict and remediation plan' }],
  [121, { type: 'verdict', rating: 'NOT READY', readinessScore: 69, stopShip: 1, blocked: true }],
  [121, { type: 'phase-finished', phase: 9, name: 'Launch verdict and remediation plan', findings: 0 }],
];

interface FakeStream {
  readonly writes: string[];
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  write(text: string): boolean;
  text(): string;
}

function fakeStream(tty?: { columns: number }): FakeStream {
  const writes: string[] = [];
  return {
    writes,
    ...(tty ? { isTTY: true, columns: tty.columns } : {}),
    write: (text: string) => writes.push(text) > 0,
    text: () => writes.join(''),
  };
}

/** A pinned clock the script moves forward. */
function clock(): { now: () => Date; set(seconds: number): void } {
  let t = START;
  return { now: () => new Date(t), set: (seconds) => void (t = START + seconds * 1000) };
}

/** Plays the script into a view; `between` runs after each event (the TTY tests let the frame timer tick there). */
function play(mode: ProgressMode, stream: FakeStream, extra: { env?: Record<string, string>; between?: () => void } = {}): ProgressView {
  const time = clock();
  const view = createProgressView({ stream, mode, now: time.now, env: extra.env ?? {} });
  for (const [seconds, event] of SCRIPT) {
    time.set(seconds);
    view.onEvent(event);
    extra.between?.();
  }
  return view;
}

/**
 * A small terminal: enough of VT100 (CR, LF, cursor up and down, erase line, erase below) to know what a person
 * would see after all the writes. Colour and private modes are ignored.
 */
function screen(output: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (ch: string): void => {
    const line = rows[row]!.padEnd(col);
    rows[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\x1b') {
      const m = /^\x1b\[(\??)([0-9;]*)([A-Za-z])/.exec(output.slice(i));
      if (!m) throw new Error(`unexpected escape at ${i}: ${JSON.stringify(output.slice(i, i + 10))}`);
      i += m[0].length - 1;
      const n = Number(m[2] || '1');
      if (m[1]) continue; // ?25l, ?2026h…
      if (m[3] === 'A') row = Math.max(0, row - n);
      else if (m[3] === 'B') row = Math.min(rows.length - 1, row + n);
      else if (m[3] === 'K') rows[row] = rows[row]!.slice(0, col);
      else if (m[3] === 'J') rows.splice(row + 1), (rows[row] = rows[row]!.slice(0, col));
      else if (m[3] !== 'm') throw new Error(`unhandled CSI ${m[0]}`);
    } else if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      if (rows.length <= row) rows.push('');
    } else put(ch);
  }
  while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
  return rows;
}

const strip = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

afterEach(() => {
  vi.useRealTimers();
});

describe('plain mode, for CI logs', () => {
  it('writes exactly one timestamped line per event, with no escape codes', () => {
    const stream = fakeStream();
    play('plain', stream).close();
    expect(stream.writes.every((w) => w.endsWith('\n') && w.indexOf('\n') === w.length - 1)).toBe(true);
    expect(stream.text()).not.toContain('\x1b');
    expect(stream.text().split('\n').slice(0, -1)).toEqual([
      '2026-11-24T08:15:00Z phase 1 Launch context and risk framing started',
      '2026-11-24T08:15:01Z phase 1 Launch context and risk framing done: 0 findings (strictness high)',
      '2026-11-24T08:15:01Z phase 2 System and architecture mapping started',
      '2026-11-24T08:15:02Z agent system-explorer started',
      '2026-11-24T08:15:40Z agent system-explorer completed: 0 findings, 9 turns, 41.2k tok, $0.041, 0:38',
      '2026-11-24T08:15:40Z phase 2 System and architecture mapping done: 0 findings',
      '2026-11-24T08:15:41Z phase 3 Codebase health started',
      '2026-11-24T08:15:41Z phase 4 Data safety and migrations started',
      '2026-11-24T08:15:41Z phase 5 Security and abuse started',
      '2026-11-24T08:15:41Z phase 6 Performance and load readiness started',
      '2026-11-24T08:15:41Z phase 7 Observability and debuggability started',
      '2026-11-24T08:15:41Z phase 8 Operational readiness and failure modes started',
      '2026-11-24T08:15:42Z agent code-auditor started',
      '2026-11-24T08:15:42Z agent security-auditor started',
      '2026-11-24T08:15:42Z agent reliability-auditor started',
      '2026-11-24T08:15:42Z agent ops-auditor started',
      '2026-11-24T08:15:43Z finding MEDIUM phase 3: Unbounded retry loop at src/jobs/sync.ts:88 [probe:unbounded-retry]',
      '2026-11-24T08:16:02Z finding STOP-SHIP CRITICAL phase 5: Refund endpoint has no authorization check at src/routes/refunds.ts:14 [agent:security-auditor]',
      '2026-11-24T08:16:02Z GATE stop-ship in phase 5: Refund endpoint has no authorization check at src/routes/refunds.ts:14; the audit continues (report-only)',
      '2026-11-24T08:16:15Z finding HIGH phase 4: Migration drops a column without a backfill at migrations/0042.sql:3 [reliability-auditor]',
      '2026-11-24T08:16:30Z agent security-auditor completed: 1 finding, 14 turns, 88.3k tok, $0.153, 0:48',
      '2026-11-24T08:16:41Z budget reliability-auditor: stopped: turn budget (24) reached',
      '2026-11-24T08:16:41Z agent reliability-auditor partial: 1 finding, 24 turns, 120k tok, $0.212, 0:59 (stopped: turn budget (24) reached)',
      '2026-11-24T08:16:50Z agent code-auditor completed: 0 findings, 11 turns, 65.0k tok, $0.098, 1:08',
      '2026-11-24T08:16:58Z agent ops-auditor completed: 0 findings, 10 turns, 52.8k tok, $0.081, 1:16',
      '2026-11-24T08:16:59Z phase 3 Codebase health done: 1 finding',
      '2026-11-24T08:16:59Z phase 4 Data safety and migrations done: 1 finding',
      '2026-11-24T08:16:59Z phase 5 Security and abuse done: 1 finding',
      '2026-11-24T08:16:59Z phase 6 Performance and load readiness done: 0 findings',
      '2026-11-24T08:16:59Z phase 7 Observability and debuggability done: 0 findings',
      '2026-11-24T08:16:59Z phase 8 Operational readiness and failure modes done: 0 findings',
      '2026-11-24T08:17:00Z phase 9 Launch verdict and remediation plan started',
      '2026-11-24T08:17:01Z verdict NOT READY, readiness 69/100, 1 stop-ship, blocked',
      '2026-11-24T08:17:01Z phase 9 Launch verdict and remediation plan done: 0 findings',
    ]);
  });

  it('says "skipped" for a phase that finished without starting', () => {
    const stream = fakeStream();
    const view = createProgressView({ stream, mode: 'plain', now: () => new Date(START) });
    view.onEvent({ type: 'phase-finished', phase: 6, name: 'Performance and load readiness', findings: 0, note: 'not selected with --phase' });
    expect(stream.text()).toBe('2026-11-24T08:15:00Z phase 6 Performance and load readiness skipped (not selected with --phase)\n');
  });

  it('keeps one line per event when a message carries newlines or escape codes', () => {
    const stream = fakeStream();
    const view = createProgressView({ stream, mode: 'plain', now: () => new Date(START) });
    view.onEvent({ type: 'error', message: 'agent failed:\n\x1b[2J\x1b]0;pwned\x07 429 Too Many Requests' });
    expect(stream.text()).toBe('2026-11-24T08:15:00Z error: agent failed:  429 Too Many Requests\n');
  });
});

describe('json mode, for tools', () => {
  it('writes one object per event per line that round-trips to the event plus its time', () => {
    const stream = fakeStream();
    play('json', stream).close();
    const lines = stream.text().split('\n').slice(0, -1);
    expect(lines).toHaveLength(SCRIPT.length);
    lines.forEach((line, i) => {
      const { time, ...event } = JSON.parse(line) as { time: string };
      expect(event).toEqual(SCRIPT[i]![1]);
      expect(time).toBe(new Date(START + SCRIPT[i]![0] * 1000).toISOString());
    });
  });
});

describe('a broken stream in the line modes', () => {
  it.each(['plain', 'json'] as const)('%s: the first failed write ends the output, and onEvent never throws', (mode) => {
    let calls = 0;
    const stream = { write: () => { calls++; throw new Error('EPIPE'); } };
    const view = createProgressView({ stream, mode, now: () => new Date(START) });
    expect(() => SCRIPT.forEach(([, event]) => view.onEvent(event))).not.toThrow();
    expect(calls).toBe(1);
  });
});

describe('quiet mode', () => {
  it('writes nothing at all, even on close', () => {
    const stream = fakeStream({ columns: 100 });
    play('quiet', stream).close();
    expect(stream.writes).toEqual([]);
  });
});

describe('tty mode, a live block on a terminal', () => {
  it('ends on a screen with every phase, each agent under its phases, the gate and budget lines above, and the verdict', () => {
    const stream = fakeStream({ columns: 120 });
    vi.useFakeTimers();
    play('tty', stream, { between: () => vi.advanceTimersByTime(100) }).close();
    const seen = screen(stream.text());
    expect(seen).toEqual([
      ' ▲ STOP-SHIP GATE  phase 5 → the audit continues (report-only)',
      '   Refund endpoint has no authorization check at src/routes/refunds.ts:14',
      ' budget reliability-auditor: stopped: turn budget (24) reached',
      ' ✓ 1 Launch context and risk framing          done · 0 findings · strictness high',
      ' ✓ 2 System and architecture mapping          done · 0 findings',
      '   └ ✓ system-explorer     [2]   completed 0 findings  41.2k tok   0:38  $0.041',
      ' ✓ 3 Codebase health                          done · 1 finding',
      ' ✓ 4 Data safety and migrations               done · 1 finding',
      ' ✓ 5 Security and abuse                       done · 1 finding',
      ' ✓ 6 Performance and load readiness           done · 0 findings',
      ' ✓ 7 Observability and debuggability          done · 0 findings',
      ' ✓ 8 Operational readiness and failure modes  done · 0 findings',
      '   ├ ✓ code-auditor        [3,6] completed 0 findings  65.0k tok   1:08  $0.098',
      '   ├ ✓ security-auditor    [5]   completed  1 finding  88.3k tok   0:48  $0.153',
      '   ├ ! reliability-auditor [4,8] partial    1 finding   120k tok   0:59  $0.212  stopped by budget',
      '   └ ✓ ops-auditor         [7,8] completed 0 findings  52.8k tok   1:16  $0.081',
      ' ✓ 9 Launch verdict and remediation plan      done · 0 findings',
      ` ${'─'.repeat(64)}`,
      ' stop-ship 1 · 3 findings · elapsed 2:01 · agents 5/5 done · $0.585',
      ' verdict NOT READY · readiness 69/100 · 1 stop-ship · blocked',
    ]);
  });

  it('shows running phases with a spinner and agents with findings so far and a ticking elapsed time, mid-run', () => {
    const stream = fakeStream({ columns: 120 });
    vi.useFakeTimers();
    const time = clock();
    const view = createProgressView({ stream, mode: 'tty', now: time.now, env: {} });
    for (const [seconds, event] of SCRIPT.slice(0, 20)) {
      time.set(seconds);
      view.onEvent(event);
    }
    time.set(80);
    vi.advanceTimersByTime(100);
    const seen = screen(stream.text());
    expect(seen).toContain(' ⠙ 5 Security and abuse                       running · 1 finding');
    expect(seen).toContain(' · 9 Launch verdict and remediation plan      pending');
    expect(seen).toContain('   └ ✓ system-explorer     [2]   completed 0 findings  41.2k tok   0:38  $0.041');
    expect(seen).toContain('   ├ ⠙ security-auditor    [5]   running    1 finding          —   0:38       —');
    expect(seen).toContain('   ├ ⠙ reliability-auditor [4,8] running    1 finding          —   0:38       —');
    expect(seen).toContain(' stop-ship 1 · 3 findings · elapsed 1:20 · agents 1/5 done · $0.041');
    expect(seen.slice(0, 2)).toEqual([' ▲ STOP-SHIP GATE  phase 5 → the audit continues (report-only)', '   Refund endpoint has no authorization check at src/routes/refunds.ts:14']);
    view.close();
  });

  it('redraws in place: many frames leave one block on the screen, not a scroll of copies', () => {
    const stream = fakeStream({ columns: 120 });
    vi.useFakeTimers();
    play('tty', stream, { between: () => vi.advanceTimersByTime(250) }).close();
    expect(stream.writes.length).toBeGreaterThan(SCRIPT.length);
    const seen = screen(stream.text());
    expect(seen.filter((l) => l.includes('1 Launch context'))).toHaveLength(1);
    expect(seen.filter((l) => l.includes('stop-ship 1 ·'))).toHaveLength(1);
    expect(seen).toHaveLength(20);
  });

  it('rewrites only the lines that changed: a spinner tick costs a few bytes, not the whole block', () => {
    const stream = fakeStream({ columns: 120 });
    vi.useFakeTimers();
    const view = createProgressView({ stream, mode: 'tty', now: () => new Date(START), env: {} });
    view.onEvent({ type: 'phase-started', phase: 3, name: 'Codebase health' });
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(100);
    const [first, tick] = stream.writes;
    expect(strip(tick!)).toBe('\r ⠹ 3 Codebase health                          running\n');
    expect(tick!.length).toBeLessThan(first!.length / 5);
    expect(screen(stream.text())).toEqual(screen(first!.replace('⠙', '⠹')));
    view.close();
  });

  it('throttles a burst of events to one frame per tick, and writes nothing for an unchanged frame', () => {
    const stream = fakeStream({ columns: 120 });
    vi.useFakeTimers();
    const view = createProgressView({ stream, mode: 'tty', now: () => new Date(START), env: {} });
    view.onEvent({ type: 'phase-started', phase: 3, name: 'Codebase health' });
    for (let i = 0; i < 500; i++) view.onEvent({ type: 'finding', phase: 3, severity: 'LOW', title: `t${i}`, location: `a.ts:${i + 1}`, stopShip: false, source: 'probe:x' });
    expect(stream.writes).toHaveLength(0);
    vi.advanceTimersByTime(100);
    expect(stream.writes).toHaveLength(1);
    expect(screen(stream.text())).toContain(' ⠙ 3 Codebase health                          running · 500 findings');
    view.onEvent({ type: 'phase-finished', phase: 3, name: 'Codebase health', findings: 500 });
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(1000); // nothing runs and the clock stands still: the same frame, not written again
    expect(stream.writes).toHaveLength(2);
    view.close();
  });

  it('hides the cursor while drawing and restores it on close, once', () => {
    const stream = fakeStream({ columns: 100 });
    const view = play('tty', stream);
    view.close();
    const out = stream.text();
    expect(out.startsWith('\x1b[?2026h' + HIDE_CURSOR)).toBe(true);
    expect(out.endsWith(SHOW_CURSOR)).toBe(true);
    view.close();
    view.onEvent(SCRIPT[0]![1]);
    expect(stream.text()).toBe(out);
  });

  it('stops drawing, and never throws, when the stream breaks mid-run', () => {
    vi.useFakeTimers();
    let calls = 0;
    const stream = { isTTY: true, columns: 80, write: () => { calls++; throw new Error('EPIPE'); } };
    const view = createProgressView({ stream, mode: 'tty', now: () => new Date(START), env: {} });
    view.onEvent(SCRIPT[0]![1]);
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(calls).toBe(1);
    expect(() => view.close()).not.toThrow();
  });

  it('writes nothing if no event came before close', () => {
    const stream = fakeStream({ columns: 100 });
    createProgressView({ stream, mode: 'tty', env: {} }).close();
    expect(stream.writes).toEqual([]);
  });

  it('uses colour by default and none at all when NO_COLOR is set (cursor control stays)', () => {
    const coloured = fakeStream({ columns: 120 });
    play('tty', coloured, { env: {} }).close();
    expect(coloured.text()).toMatch(SGR);
    const plain = fakeStream({ columns: 120 });
    play('tty', plain, { env: { NO_COLOR: '1' } }).close();
    expect(plain.text()).not.toMatch(SGR);
    expect(screen(plain.text())).toEqual(screen(coloured.text()));
  });

  it('cuts every line of the block to the terminal width, with an ellipsis', () => {
    const stream = fakeStream({ columns: 40 });
    play('tty', stream).close();
    const seen = screen(stream.text());
    const block = seen.slice(3); // the gate and budget notices above are whole, and may wrap like any log line
    for (const line of block) expect([...line].length).toBeLessThanOrEqual(39);
    expect(block).toContain(' ✓ 8 Operational… done · 0 findings');
    // No escape code is ever cut in half: every ESC starts a complete sequence.
    expect(strip(stream.text())).not.toContain('\x1b');
  });

  it('keeps the bottom of the block (running work, footer, verdict) on a terminal shorter than the block', () => {
    const stream = { ...fakeStream({ columns: 120 }), rows: 8 };
    play('tty', stream).close();
    const seen = screen(stream.text());
    expect(seen.slice(3)).toHaveLength(7);
    expect(seen.at(-1)).toBe(' verdict NOT READY · readiness 69/100 · 1 stop-ship · blocked');
  });

  it('follows a narrower terminal from one frame to the next', () => {
    const stream = { ...fakeStream({ columns: 120 }), columns: 120 };
    vi.useFakeTimers();
    const view = createProgressView({ stream, mode: 'tty', now: () => new Date(START), env: {} });
    view.onEvent({ type: 'phase-started', phase: 1, name: 'Launch context and risk framing' });
    vi.advanceTimersByTime(100);
    stream.columns = 30;
    vi.advanceTimersByTime(100);
    const last = stream.writes.at(-1)!;
    for (const line of strip(last).replace(/\r/g, '').split('\n')) expect([...line].length).toBeLessThanOrEqual(29);
    view.close();
  });

  it('never lets escape codes or control characters from a finding title reach the terminal', () => {
    const stream = fakeStream({ columns: 200 });
    const view = createProgressView({ stream, mode: 'tty', now: () => new Date(START), env: { NO_COLOR: '1' } });
    view.onEvent({ type: 'gate', phase: 5, title: 'Bad\x1b]0;owned\x07\x1b[2J title\u202e', location: 'a.ts:1\n', decision: 'stop', mode: 'fail-fast' });
    view.close();
    const out = stream.text();
    expect(out).not.toContain('owned');
    expect(out).not.toContain('\x1b[2J');
    expect(out).not.toContain('\u202e');
    expect(screen(out).slice(0, 2)).toEqual([' ▲ STOP-SHIP GATE  phase 5 → the audit stops here (fail-fast)', '   Bad title  at a.ts:1 ']);
  });

  it('pause takes the block off the screen and gives the cursor back; resume draws it again', () => {
    const stream = fakeStream({ columns: 120 });
    vi.useFakeTimers();
    const view = createProgressView({ stream, mode: 'tty', now: () => new Date(START), env: {} });
    view.onEvent({ type: 'phase-started', phase: 5, name: 'Security and abuse' });
    vi.advanceTimersByTime(100);
    view.pause();
    expect(screen(stream.text())).toEqual([]);
    expect(stream.writes.at(-1)!.endsWith(SHOW_CURSOR)).toBe(true);
    vi.advanceTimersByTime(500);
    const whilePaused = stream.writes.length;
    view.onEvent({ type: 'phase-finished', phase: 5, name: 'Security and abuse', findings: 2 });
    vi.advanceTimersByTime(500);
    expect(stream.writes).toHaveLength(whilePaused);
    view.resume();
    expect(screen(stream.text())).toContain(' ✓ 5 Security and abuse                       done · 2 findings');
    view.close();
  });

  it.each([
    ['a normal exit without close', 'process.exit(0);'],
    ['SIGTERM', "process.kill(process.pid, 'SIGTERM');"],
  ])('restores the cursor on %s', (_name, ending) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-audit-progress-'));
    const script = path.join(dir, 'run.ts');
    const progress = path.resolve('src/report/progress.ts');
    fs.writeFileSync(
      script,
      [
        `import { createProgressView } from ${JSON.stringify(progress)};`,
        "const view = createProgressView({ stream: process.stdout, mode: 'tty', env: {}, frameMs: 5 });",
        "view.onEvent({ type: 'phase-started', phase: 1, name: 'Launch context and risk framing' });",
        `setTimeout(() => { ${ending} }, 50);`,
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(HIDE_CURSOR);
    expect(run.stdout.endsWith(SHOW_CURSOR)).toBe(true);
  });
});

describe('choosing a mode', () => {
  it('gives json to --json, nothing to --quiet, the live block to a terminal and plain lines to CI and pipes', () => {
    expect(progressModeFor({ json: true, quiet: true, isTTY: true })).toBe('json');
    expect(progressModeFor({ quiet: true, isTTY: true })).toBe('quiet');
    expect(progressModeFor({ isTTY: true, env: {} })).toBe('tty');
    expect(progressModeFor({ isTTY: true, env: { CI: 'true' } })).toBe('plain');
    expect(progressModeFor({ isTTY: true, env: { TERM: 'dumb' } })).toBe('plain');
    expect(progressModeFor({ isTTY: false })).toBe('plain');
  });
});
