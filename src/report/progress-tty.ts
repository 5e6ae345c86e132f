import { onExit } from 'signal-exit';
import type { AuditEvent } from '../workflow/events.js';
import { frameLines, noticeLines } from './progress-frame.js';
import { applyEvent, createState } from './progress-state.js';
import { fit, painter, type Line } from './progress-text.js';
import type { ProgressStream, ProgressView } from './progress.js';

/**
 * The live status block. Events only update the state; a timer draws at most every `frameMs`
 * (~10/s), so a burst of findings costs one redraw. Each frame is one write that goes back to the
 * block's first row and overwrites the changed lines in place (erase-to-end-of-line after each,
 * erase-below at the end) inside a synchronized update: nothing is blanked first, so nothing
 * flickers. Lines are
 * cut to the width before colouring, so the terminal never wraps the block and the row count the
 * next frame climbs back is always right.
 */

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
// Terminals that know mode 2026 show the frame at once; the others ignore it.
const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
const ERASE_LINE = '\x1b[K';
const ERASE_BELOW = '\x1b[J';

export interface TtyOptions {
  readonly now: () => Date;
  readonly colour: boolean;
  readonly frameMs: number;
}

export function createTtyView(stream: ProgressStream, options: TtyOptions): ProgressView {
  const paint = painter(options.colour);
  const state = createState(options.now().getTime());
  const notices: Line[] = [];
  let rows = 0; // rows of the block on screen; the cursor sits on the row below
  let shown: string[] = []; // the lines of the block now on screen, as written
  let tick = 0;
  let cursorHidden = false;
  let paused = false;
  let closed = false;

  // The cursor comes back however the process ends: exit, uncaught error, Ctrl-C, SIGTERM.
  const removeExitHook = onExit(() => {
    if (cursorHidden) stream.write(SHOW_CURSOR);
  });
  const timer = setInterval(() => {
    tick++;
    try {
      draw(false);
    } catch {
      // A stream that throws (closed, detached) ends the live view; it must never end the audit.
      clearInterval(timer);
    }
  }, options.frameMs);
  // The view must never be what keeps the process alive.
  timer.unref?.();

  function width(): number {
    // One column spare: writing into the last column leaves some terminals in a pending wrap.
    return Math.max(20, stream.columns ?? 80) - 1;
  }

  function back(): string {
    return rows > 0 ? `\r\x1b[${rows}A` : '';
  }

  function draw(final: boolean): void {
    if (paused || state.events === 0) return;
    const w = width();
    const lines = frameLines({ state, now: options.now().getTime(), tick, final, width: w });
    // Taller than the terminal, the cursor could not climb back to the first row: keep the bottom
    // (running work, footer, verdict) and let finished phases at the top go.
    const fitted = stream.rows && lines.length > stream.rows - 1 ? lines.slice(lines.length - Math.max(1, stream.rows - 1)) : lines;
    const block = fitted.map((line) => paint(fit(line, w)));
    if (notices.length === 0 && block.join('\n') === shown.join('\n')) return; // an unchanged frame is not written at all
    let out = SYNC_START + (cursorHidden ? '' : HIDE_CURSOR) + back();
    // Notices push the block down, so after one every line is new; otherwise only changed lines are
    // rewritten and unchanged ones stepped over, which keeps a 10/s spinner to a few bytes a frame.
    const same = notices.length === 0 ? shown : [];
    for (const notice of notices.splice(0)) out += paint(notice) + ERASE_LINE + '\n';
    let skip = 0;
    block.forEach((line, i) => {
      if (line === same[i]) return void skip++;
      if (skip > 0) out += `\x1b[${skip}B`;
      skip = 0;
      out += line + ERASE_LINE + '\n';
    });
    if (skip > 0) out += `\x1b[${skip}B`;
    stream.write(out + ERASE_BELOW + SYNC_END);
    cursorHidden = true;
    rows = block.length;
    shown = block;
  }

  return {
    onEvent(event: AuditEvent): void {
      if (closed) return;
      applyEvent(state, event, options.now().getTime());
      notices.push(...noticeLines(event));
    },
    pause(): void {
      if (closed || paused) return;
      // Clear the block and give the cursor back, so a question can be asked on a clean screen.
      stream.write(back() + ERASE_BELOW + (cursorHidden ? SHOW_CURSOR : ''));
      cursorHidden = false;
      rows = 0;
      shown = [];
      paused = true;
    },
    resume(): void {
      if (closed || !paused) return;
      paused = false;
      draw(false);
    },
    close(): void {
      if (closed) return;
      closed = true;
      paused = false;
      clearInterval(timer);
      removeExitHook();
      // close() runs in the CLI's finally blocks: a broken stream must not replace the audit's outcome.
      try {
        draw(true);
      } catch {
        // nothing more can be shown on a stream that throws
      }
      try {
        if (cursorHidden) stream.write(SHOW_CURSOR);
      } catch {
        // same
      }
      cursorHidden = false;
    },
  };
}

