/**
 * Text primitives of the progress view: colour, cleaning untrusted strings, display width,
 * truncation, and the number formats every mode shares. No terminal state lives here.
 */

/** Styles are named for what they mean, so the palette changes in one place. */
export type Style = 'dim' | 'bold' | 'ok' | 'warn' | 'bad' | 'active' | 'alert';

/** A run of text with one style: lines are built from these so truncation never cuts an escape code. */
export interface Segment {
  readonly text: string;
  readonly style?: Style;
}

export type Line = readonly Segment[];

const SGR: Record<Style, readonly [open: string, close: string]> = {
  dim: ['2', '22'],
  bold: ['1', '22'],
  ok: ['32', '39'],
  warn: ['33', '39'],
  bad: ['1;31', '22;39'],
  active: ['36', '39'],
  alert: ['1;97;41', '22;39;49'],
};

/** NO_COLOR (https://no-color.org): present and not empty turns colour off; cursor control stays. */
export function colourWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  return !env.NO_COLOR;
}

export type Paint = (line: Line) => string;

export function painter(colour: boolean): Paint {
  return (line) => line.map((s) => (colour && s.style && s.text ? `\x1b[${SGR[s.style][0]}m${s.text}\x1b[${SGR[s.style][1]}m` : s.text)).join('');
}

// Titles, notes and messages can carry text that came from the audited repository (through an agent):
// escape sequences, control characters and bidi overrides in them must not reach the terminal.
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const CONTROL = /[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** One line of inert text: escapes removed, control characters (newlines included) turned into a space. */
export function clean(text: string): string {
  return text.replace(OSC, '').replace(CSI, '').replace(CONTROL, ' ');
}

/** Columns a code point takes: 2 for East Asian wide and emoji, 0 for combining marks, else 1. Enough for cleaned text. */
export function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

/**
 * Cuts a line to `width` columns, ending a cut line with "…". Done on segments, before colour, so the
 * result never holds half an escape code and the terminal never wraps a line of the live block.
 */
export function fit(line: Line, width: number): Line {
  let total = 0;
  for (const s of line) total += textWidth(s.text);
  if (total <= width) return line;
  const out: Segment[] = [];
  let room = Math.max(0, width - 1);
  for (const s of line) {
    let kept = '';
    for (const ch of s.text) {
      const w = charWidth(ch.codePointAt(0)!);
      if (w > room) break;
      kept += ch;
      room -= w;
    }
    if (kept) out.push({ text: kept, ...(s.style ? { style: s.style } : {}) });
    if (kept.length < s.text.length) break;
  }
  if (width > 0) out.push({ text: '…', style: 'dim' });
  return out;
}

export function plainText(line: Line): string {
  return line.map((s) => s.text).join('');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** m:ss, or h:mm:ss past an hour: what a person reads at a glance. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Three significant figures at most ("950 tok", "88.3k tok", "120k tok", "1.2M tok"): fits a 9-wide column. */
export function tokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M tok`;
  if (n >= 100_000) return `${Math.round(n / 1_000)}k tok`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k tok`;
  return `${n} tok`;
}

/** Cents hide most single-agent costs; three decimals below a dollar keep them visible. */
export function usd(amount: number): string {
  return `$${amount.toFixed(amount < 1 ? 3 : 2)}`;
}

/** ISO 8601 UTC to the second: the log-line timestamp. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
