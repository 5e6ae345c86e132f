import type { AuditEvent } from '../workflow/events.js';
import { jsonLine, plainLine } from './progress-lines.js';
import { applyEvent, createState } from './progress-state.js';
import { colourWanted } from './progress-text.js';
import { createTtyView } from './progress-tty.js';

/**
 * The progress view: renders the audit's events while it runs, in one of four modes. It only
 * renders — every state, count and decision it shows came in an event.
 *
 *   tty    a live status block, redrawn in place (stderr when it is a terminal)
 *   plain  one timestamped line per event, no escape codes (stderr in CI logs and pipes)
 *   json   one JSON object per event per line, for tools (stdout)
 *   quiet  nothing
 */
export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

/** Anything with write(): process.stderr, a CliIO writer, a test's fake. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width; read at every frame, so a resized terminal is followed. Default 80. */
  readonly columns?: number;
  /** Terminal height; a block taller than this is cut from the top. */
  readonly rows?: number;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  readonly mode: ProgressMode;
  /** The clock for timestamps and elapsed times; tests pin it. */
  readonly now?: () => Date;
  /** Where NO_COLOR is read (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Least time between two TTY frames (default 100 ms, ~10 redraws a second). */
  readonly frameMs?: number;
}

export interface ProgressView {
  onEvent(event: AuditEvent): void;
  /** TTY: takes the block off the screen and shows the cursor, e.g. while the gate asks a question. Else a no-op. */
  pause(): void;
  /** TTY: draws the block again after pause(). Else a no-op. */
  resume(): void;
  /** Draws the last frame, stops the timer and restores the cursor. Never throws; safe to call twice; later events are ignored. */
  close(): void;
}

export function createProgressView(options: ProgressOptions): ProgressView {
  const now = options.now ?? (() => new Date());
  switch (options.mode) {
    case 'quiet':
      return { onEvent() {}, pause() {}, resume() {}, close() {} };
    case 'json':
      return lineView((event) => options.stream.write(jsonLine(event, now())));
    case 'plain': {
      // Plain lines need a little state: whether a finishing phase ever started, when an agent began.
      const state = createState(now().getTime());
      return lineView((event) => {
        const time = now();
        applyEvent(state, event, time.getTime());
        options.stream.write(plainLine(event, state, time));
      });
    }
    case 'tty':
      return createTtyView(options.stream, {
        now,
        colour: colourWanted(options.env ?? process.env),
        frameMs: options.frameMs ?? 100,
      });
  }
}

function lineView(write: (event: AuditEvent) => void): ProgressView {
  let closed = false;
  return {
    onEvent: (event) => {
      if (closed) return;
      try {
        write(event);
      } catch {
        // The workflow calls this inline: a stream that throws ends the output, never the audit.
        closed = true;
      }
    },
    pause() {},
    resume() {},
    close: () => {
      closed = true;
    },
  };
}

/**
 * The usual choice, for the CLI to call (the view itself never picks): --json wins, since it goes to
 * stdout for a tool; --quiet silences stderr; a real terminal gets the live block; the rest, CI logs
 * and pipes included, get plain lines.
 */
export function progressModeFor(flags: { json?: boolean; quiet?: boolean; isTTY?: boolean; env?: Readonly<Record<string, string | undefined>> }): ProgressMode {
  const env = flags.env ?? {};
  if (flags.json) return 'json';
  if (flags.quiet) return 'quiet';
  if (flags.isTTY && env.TERM !== 'dumb' && !env.CI) return 'tty';
  return 'plain';
}
