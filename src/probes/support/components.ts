import { SourceFile } from '../../repo/view.js';

/** Single-file components whose `<script>` blocks are TypeScript or JavaScript and whose markup is a template. */
export const COMPONENT_FILE = /\.(?:vue|svelte)$/;

const SCRIPT_BLOCK = /(<script\b[^>]*>)([\s\S]*?)<\/script\s*>/gi;
/** `<script lang="coffee">` and friends are not ours to parse. */
const SCRIPT_LANG = /\blang\s*=\s*['"]?(?:ts|typescript|js|javascript|tsx|jsx)['"]?/i;

/**
 * The component's script blocks (`<script>` and `<script setup>` alike) as a TypeScript file of the same
 * path, everything else blanked to spaces and newlines: offsets and lines are those of the component, so a
 * finding in the script points at its real line. Undefined when the component has no script to parse.
 */
export function componentScript(component: SourceFile): SourceFile | undefined {
  if (!scripts.has(component)) scripts.set(component, extractScript(component));
  return scripts.get(component);
}

/** One extraction per component, shared by every probe that reads it. */
const scripts = new WeakMap<SourceFile, SourceFile | undefined>();

function extractScript(component: SourceFile): SourceFile | undefined {
  let text = '';
  let kept = 0;
  let found = false;
  for (const match of component.text.matchAll(SCRIPT_BLOCK)) {
    const open = match[1] ?? '';
    if (/\blang\s*=/.test(open) && !SCRIPT_LANG.test(open)) continue;
    const bodyStart = (match.index ?? 0) + open.length;
    text += blank(component.text.slice(kept, bodyStart)) + (match[2] ?? '');
    kept = bodyStart + (match[2] ?? '').length;
    found = true;
  }
  if (!found) return undefined;
  text += blank(component.text.slice(kept));
  return new SourceFile(component.path, 'typescript', text, component.bytes);
}

/** The same text with every character but line breaks turned into a space. */
function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

export interface TemplateAttribute {
  /** As written: `class`, `@click`, `v-on:click.prevent`, `:disabled`, `on:click`. */
  readonly name: string;
  /** The quoted or `{…}` value without its delimiters; undefined for a bare attribute. */
  readonly value: string | undefined;
}

export interface TemplateTag {
  readonly name: string;
  readonly line: number;
  readonly attributes: readonly TemplateAttribute[];
  /** The elements this one sits in, outermost first. */
  readonly ancestors: readonly TemplateTag[];
}

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
// Names and unquoted values stop at `<`: an unclosed tag then fails at the next one instead of scanning the rest of the file.
const TAG = /<(\/?)([A-Za-z][\w.:-]*)((?:\s+[^\s=/<>"'{]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|\{[^}]*\}|[^\s<>"']+))?)*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=/<>"'{]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|\{([^}]*)\}|([^\s<>"']+)))?/g;

/**
 * The start tags of a component's markup with their attributes, line and enclosing elements: what probes
 * need to read `<button @click="remove(item)">`, short of a full HTML parser. Script, style and comments are skipped.
 */
export function templateTags(component: SourceFile): TemplateTag[] {
  const markup = component.text.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->/gi, blank);
  const tags: TemplateTag[] = [];
  const open: TemplateTag[] = [];
  for (const match of markup.matchAll(TAG)) {
    const [, closing, name = '', rawAttributes = '', selfClosing] = match;
    if (closing) {
      const at = open.map((tag) => tag.name).lastIndexOf(name);
      if (at >= 0) open.length = at;
      continue;
    }
    const attributes = [...rawAttributes.matchAll(ATTRIBUTE)].map((a) => ({ name: a[1] ?? '', value: a[2] ?? a[3] ?? a[4] ?? a[5] }));
    const tag = { name, line: component.lineAt(match.index ?? 0), attributes, ancestors: [...open] };
    tags.push(tag);
    if (!selfClosing && !VOID_ELEMENTS.has(name.toLowerCase())) open.push(tag);
  }
  return tags;
}

/**
 * The handler bound to a DOM event: Vue's `@click`/`v-on:click` (modifiers dropped) or Svelte's
 * `on:click`/`onclick={…}`. Undefined when the attribute binds no such event.
 */
export function eventHandler(attribute: TemplateAttribute, events: ReadonlySet<string>): string | undefined {
  const event = /^(?:@|v-on:|on:)([\w-]+)/.exec(attribute.name)?.[1] ?? /^on([a-z]+)$/.exec(attribute.name)?.[1];
  return event && events.has(event) ? attribute.value?.trim() || undefined : undefined;
}

/** `el-popconfirm` as `ElPopconfirm`, `v-dialog` as `VDialog`: template tag names in the PascalCase components are named in. */
export function pascalName(tagName: string): string {
  return tagName.split(/[-.:]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
