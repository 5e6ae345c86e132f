import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';

/** One `---`-separated Kubernetes object of a manifest file. */
export interface K8sObject {
  readonly file: SourceFile;
  readonly kind: string;
  readonly name: string;
  /** 0-based index of the object's first line in the file. */
  readonly start: number;
  /** The object's lines, comments blanked, indexed from `start`. */
  readonly lines: readonly string[];
}

/** A container entry of a pod template: its `- name:` line and its own keys with their lines (1-based). */
export interface K8sContainer {
  readonly line: number;
  readonly keys: ReadonlyMap<string, { line: number; value: string }>;
  /** The entry's lines, for looking into nested blocks (probes, resources). */
  readonly lines: readonly { line: number; text: string }[];
}

const memo = new WeakMap<ProbeContext, K8sObject[]>();

/** Every Kubernetes object in the target's YAML (raw manifests, not Helm templates with `{{`-keys). */
export function k8sObjects(ctx: ProbeContext): K8sObject[] {
  let found = memo.get(ctx);
  if (!found) {
    found = ctx.files(['yaml'], ['kind:']).filter((f) => /^apiVersion:/m.test(f.text)).flatMap(objectsOf);
    memo.set(ctx, found);
  }
  return found;
}

function objectsOf(file: SourceFile): K8sObject[] {
  const objects: K8sObject[] = [];
  let start = 0;
  const close = (end: number): void => {
    const lines = file.lines.slice(start, end).map((line) => line.replace(/(^|\s)#.*$/, ''));
    const kind = lines.map((l) => /^kind:\s*["']?(\w+)/.exec(l)?.[1]).find(Boolean);
    const name = lines.map((l) => /^ {2}name:\s*["']?([\w.-]+)/.exec(l)?.[1]).find(Boolean) ?? '';
    if (kind) objects.push({ file, kind, name, start, lines });
  };
  file.lines.forEach((line, index) => {
    if (!/^---/.test(line)) return;
    close(index);
    start = index + 1;
  });
  close(file.lines.length);
  return objects;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** The entries of every `containers:` list in an object (init containers excluded: they run to completion first). */
export function containersOf(object: K8sObject): K8sContainer[] {
  const found: K8sContainer[] = [];
  object.lines.forEach((line, index) => {
    const list = /^(\s*)containers:\s*$/.exec(line);
    if (!list) return;
    const listIndent = list[1]!.length;
    let current: { line: number; dash: number; lines: { line: number; text: string }[] } | undefined;
    const flush = (): void => {
      if (current) found.push({ line: current.line, lines: current.lines, keys: keysOf(current.lines, current.dash + 2) });
    };
    for (let i = index + 1; i < object.lines.length; i++) {
      const text = object.lines[i]!;
      if (text.trim() === '') continue;
      const indent = indentOf(text);
      const item = /^(\s*)-\s/.exec(text);
      if (indent < listIndent || (indent === listIndent && !item)) break;
      if (item && (!current || item[1]!.length <= current.dash)) {
        flush();
        current = { line: object.start + i + 1, dash: item[1]!.length, lines: [] };
      }
      current?.lines.push({ line: object.start + i + 1, text: item && current?.line === object.start + i + 1 ? text.replace('-', ' ') : text });
    }
    flush();
  });
  return found;
}

function keysOf(lines: readonly { line: number; text: string }[], indent: number): Map<string, { line: number; value: string }> {
  const keys = new Map<string, { line: number; value: string }>();
  for (const { line, text } of lines) {
    const match = /^(\s*)([\w-]+):\s*(.*)$/.exec(text);
    if (match && match[1]!.length === indent) keys.set(match[2]!, { line, value: match[3]!.trim() });
  }
  return keys;
}
