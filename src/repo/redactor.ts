import { Redactor } from './secrets.js';
import type { RepoView } from './view.js';

/** The redactor for everything printed or written about this target. */
export function redactorFor(view: RepoView): Redactor {
  return new Redactor(view.secrets.map((s) => s.value));
}
