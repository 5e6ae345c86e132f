/**
 * Everything from the audited repository is hostile data. Text goes into the page only through
 * `esc`, which escapes for element content and for quoted attribute values alike.
 */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** A token safe for a class name or an id: what we put there comes from enums and hex fingerprints, but a class is no place to trust. */
export function token(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}
