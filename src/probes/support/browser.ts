import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';

/** Hand-written pages served as static files (`public/checkout.js`) run in the browser even inside a server package. */
const STATIC_DIR = /(?:^|\/)(?:public|static|assets|www|wwwroot)\//;

/** Code that runs in the browser: React/Vue/Svelte components and client modules, or scripts of a static folder that touch the DOM. */
export function isBrowserCode(ctx: ProbeContext, file: SourceFile): boolean {
  return ctx.isFrontEnd(file) || (STATIC_DIR.test(file.path) && /\b(?:document|window)\./.test(file.text));
}
