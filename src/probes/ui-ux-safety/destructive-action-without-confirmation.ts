import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, isFunctionLike, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { componentScript, eventHandler, pascalName, templateTags, type TemplateTag } from '../support/components.js';
import { defineProbe, type Hit } from '../types.js';

const EVENT_PROPS = new Set(['onClick', 'onSubmit', 'onPress', 'onSelect']);
/** The same events as a Vue or Svelte template binds them (`@click`, `v-on:submit`, `on:click`). */
const TEMPLATE_EVENTS = new Set(['click', 'submit', 'dblclick']);
/** A template event binding, the prefilter for components. */
const TEMPLATE_EVENT_NEEDLES = ['@click', '@submit', 'v-on:', 'on:click', 'on:submit', 'onclick'];
/** Names that destroy server-side data whatever they are called on; `remove`/`cancel` only with a resource that matters. */
const DESTRUCTIVE = /^(?:delete|destroy|purge|wipe|erase|terminate|revoke|refund)[A-Z_]\w*$|^cancel(?:Subscription|Order|Booking|Plan|Account|Membership|Reservation|Payment)\w*$|^(?:remove|deactivate|close)(?:Account|User|Member|Project|Workspace|Team|Organi[sz]ation|Org|Repo|Database)\w*$/;
const HTTP_CLIENT = /(?:^|\.)(?:api|axios|http|\w*[cC]lient|request|fetcher|ky|\$fetch|\w*Api)$/;
const MUTATE = /^(?:mutate|mutateAsync|trigger|execute)$/;
const VERB = /^(?:delete|destroy|purge|wipe|erase|terminate|revoke|refund)$/;
/** A handler named for destroying or cancelling something: `bulkCancel`, `refund`, `purgeSelected`, `deleteCourt`. */
const DESTRUCTIVE_HANDLER = /^(?:handle|on|do)?(?:delete|destroy|purge|wipe|erase|terminate|revoke|refund|cancel)(?:[A-Z_]\w*)?$|^bulk(?:Delete|Destroy|Purge|Cancel|Refund|Revoke)\w*$/;
/** An API path that names a destructive action: `/bookings/7/refund`, `/patients/bulk-delete`, `/orders/cancel`. */
const DESTRUCTIVE_PATH = /(?:^|[/-])(?:delete|destroy|purge|wipe|erase|terminate|revoke|refund|cancel)(?:[/?-]|$)/i;
const NAVIGATION = /^(?:push|replace|navigate|redirect|open|assign|prefetch)$/;
/** Things users remove all day and can recreate in a click: asking every time would be the worse UX. */
const DISPOSABLE = /cart|basket|like|reaction|bookmark|favou?rite|vote|notification|follow|session|logout|sign-?out|filter|toast|draft|cache|cookie|param|query|storage|selection|preview|temp/i;
/** Confirmation UI the button may live in: the "Yes, delete" button of a dialog confirms by itself. */
const CONFIRM_UI = /Confirm|Dialog|Modal|Popconfirm|Popover|Drawer|Sheet/;
/** `confirm()`, `useConfirm`, `modal.confirm`, a typed `prompt()`, or an undo toast. */
const CONFIRMED = /confirm|^prompt$|undo/i;

export default defineProbe({
  meta: {
    id: 'destructive-action-without-confirmation',
    title: 'Destructive button acts without confirmation',
    category: 'UI/UX Safety',
    severity: 'MEDIUM',
    phase: 3,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'A click or submit handler in front-end code (JSX, or a Vue or Svelte template) deletes, cancels, revokes or refunds through the API straight away, with no confirm dialog, typed confirmation or undo.',
    impact: 'One misclick, a double tap or a stray keyboard submit destroys a user’s data or cancels their subscription, and support has to restore it from backups, if it can at all.',
    remediation: 'Ask before acting: a confirmation dialog naming what will be destroyed (typed confirmation for whole projects or accounts), or soft-delete with an undo toast.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts([...EVENT_PROPS, 'action={']).some((file) => isUi(ctx, file)) || ctx.components(TEMPLATE_EVENT_NEEDLES).length > 0,
  detect: (ctx) => [
    ...ctx.scripts([...EVENT_PROPS, 'action={']).filter((file) => isUi(ctx, file)).flatMap((file) => checkFile(ctx, file)),
    ...ctx.components(TEMPLATE_EVENT_NEEDLES).flatMap((component) => checkComponent(ctx, component)),
  ],
});

function isUi(ctx: ProbeContext, file: SourceFile): boolean {
  return /\.[jt]sx$/.test(file.path) || ctx.isFrontEnd(file);
}

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const sf = ctx.ast(file);
  const locals = handlerScope(sf);
  const hits: Hit[] = [];
  for (const attr of findNodes(sf, ts.isJsxAttribute)) {
    const expr = attr.initializer && ts.isJsxExpression(attr.initializer) ? attr.initializer.expression : undefined;
    if (!EVENT_PROPS.has(attr.name.getText()) || !expr || insideConfirmation(attr)) continue;
    const found = scan(expr, locals, 0);
    if (!found.destroys || found.confirms || DISPOSABLE.test(found.destroys)) continue;
    hits.push({ file, line: lineOf(attr), message: `${attr.name.getText()} calls ${found.destroys} straight away: nothing asks the user to confirm before data is destroyed.` });
  }
  // `<form action={serverAction}>`: its submit button runs the action with no handler in between.
  for (const attr of findNodes(sf, ts.isJsxAttribute)) {
    const expr = attr.initializer && ts.isJsxExpression(attr.initializer) ? attr.initializer.expression : undefined;
    const form = attr.parent.parent;
    if (attr.name.getText() !== 'action' || !expr || form.tagName.getText() !== 'form' || !ts.isJsxElement(form.parent) || insideConfirmation(attr)) continue;
    const found = scan(expr, locals, 0);
    if (!found.destroys || found.confirms || DISPOSABLE.test(found.destroys)) continue;
    for (const button of submitButtons(form.parent)) hits.push({ file, line: lineOf(button), message: `This submit button runs ${found.destroys} through the form action straight away: nothing asks the user to confirm.` });
  }
  return hits;
}

/** The functions a handler may call by name; a callback received as a prop may be confirmed by the parent that passes it, so parameters hide what they name. */
function handlerScope(sf: ts.SourceFile): Map<string, ts.Node> {
  const locals = localFunctions(sf);
  for (const param of findNodes(sf, ts.isParameter)) for (const id of findNodes(param.name, ts.isIdentifier).concat(ts.isIdentifier(param.name) ? [param.name] : [])) locals.set(id.text, ts.factory.createBlock([]));
  return locals;
}

/**
 * A Vue or Svelte component: each `<button @click="refund(order)">` handler (an inline call, or a function or
 * Options API method of the script) judged as a JSX `onClick` is, with the template's own confirmation UI.
 */
function checkComponent(ctx: ProbeContext, component: SourceFile): Hit[] {
  const script = componentScript(component);
  const locals = script ? handlerScope(ctx.ast(script)) : new Map<string, ts.Node>();
  if (script) for (const [name, body] of optionsApiMethods(ctx.ast(script))) locals.set(name, body);
  const hits: Hit[] = [];
  for (const tag of templateTags(component)) {
    if (templateConfirms(tag)) continue;
    for (const attribute of tag.attributes) {
      const handler = eventHandler(attribute, TEMPLATE_EVENTS);
      if (!handler) continue;
      const found = scan(handlerExpression(handler), locals, 0);
      if (!found.destroys || found.confirms || DISPOSABLE.test(found.destroys)) continue;
      hits.push({ file: component, line: tag.line, message: `${attribute.name} calls ${found.destroys} straight away: nothing asks the user to confirm before data is destroyed.` });
    }
  }
  return hits;
}

/** A template handler as code: `remove` stays an identifier, `remove(item); close()` a list of statements. */
function handlerExpression(handler: string): ts.Node {
  const sf = ts.createSourceFile('handler.ts', handler, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const only = sf.statements.length === 1 ? sf.statements[0] : undefined;
  return only && ts.isExpressionStatement(only) ? only.expression : sf;
}

/** `methods: { purgeAll() { … } }` of an Options API component. */
function optionsApiMethods(sf: ts.SourceFile): Map<string, ts.Node> {
  const found = new Map<string, ts.Node>();
  for (const prop of findNodes(sf, ts.isPropertyAssignment)) {
    if (prop.name.getText() !== 'methods' || !ts.isObjectLiteralExpression(prop.initializer)) continue;
    for (const method of prop.initializer.properties) {
      if (ts.isMethodDeclaration(method) && method.body) found.set(method.name.getText(), method.body);
      else if (ts.isPropertyAssignment(method) && isFunctionLike(method.initializer)) found.set(method.name.getText(), method.initializer);
    }
  }
  return found;
}

/** The button sits in a dialog or popconfirm (`<el-popconfirm>`, `<v-dialog>`), or shows only once the user asked to confirm (`v-if="confirming"`). */
function templateConfirms(tag: TemplateTag): boolean {
  const others = (t: TemplateTag): string => t.attributes.filter((a) => !eventHandler(a, TEMPLATE_EVENTS)).map((a) => `${a.name}=${a.value ?? ''}`).join(' ');
  if (/confirm|undo/i.test(others(tag))) return true;
  return tag.ancestors.some((up) => CONFIRM_UI.test(pascalName(up.name)) || up.attributes.some((a) => /^v-(?:if|else-if|show)$/.test(a.name) && /confirm/i.test(a.value ?? '')));
}

/** Named functions of the file, including `const handleDelete = useCallback(async () => ..., [])`. */
function localFunctions(sf: ts.SourceFile): Map<string, ts.Node> {
  const found = new Map<string, ts.Node>();
  for (const fn of findNodes(sf, ts.isFunctionDeclaration)) if (fn.name && fn.body) found.set(fn.name.text, fn.body);
  for (const decl of findNodes(sf, ts.isVariableDeclaration)) {
    let init = decl.initializer;
    if (init && ts.isCallExpression(init) && /^(?:React\.)?use(?:Callback|Event)$/.test(calleeName(init))) init = init.arguments[0];
    if (ts.isIdentifier(decl.name) && init && isFunctionLike(init)) found.set(decl.name.text, init);
  }
  return found;
}

/** What a handler does, following calls into the file's own functions two levels deep. */
function scan(node: ts.Node, locals: Map<string, ts.Node>, depth: number): { destroys?: string; confirms: boolean } {
  let destroys: string | undefined;
  let confirms = false;
  const visit = (target: ts.Node, name: string): void => {
    const local = locals.get(name);
    if (local && depth < 2) {
      const inner = scan(local, locals, depth + 1);
      destroys ??= inner.destroys;
      confirms ||= inner.confirms;
      // `async function refund(b) { await api(`/bookings/${b.id}/refund`, { method: 'POST' }) }`: a handler named
      // for destruction that writes through the API destroys, whatever helper it sends the request with.
      if (DESTRUCTIVE_HANDLER.test(name) && findNodes(local, ts.isCallExpression).some(isWriteRequest)) destroys ??= name;
    } else if (!local && DESTRUCTIVE.test(name)) destroys ??= target.getText().split('(')[0];
  };
  if (ts.isIdentifier(node)) visit(node, node.text);
  for (const call of findNodes(node, ts.isCallExpression).concat(ts.isCallExpression(node) ? [node] : [])) {
    const name = calleeName(call);
    const last = name.split('.').at(-1) ?? '';
    const owner = name.split('.').at(-2)?.replace(/Mutation$/, '') ?? '';
    if (isDeleteRequest(call, name) || (isWriteRequest(call) && DESTRUCTIVE_PATH.test(requestUrl(call)))) destroys ??= `${name}(${call.arguments[0]?.getText() ?? ''})`;
    else if (MUTATE.test(last) && (DESTRUCTIVE.test(owner) || VERB.test(owner))) destroys ??= name;
    else if (ts.isIdentifier(call.expression) || (ts.isPropertyAccessExpression(call.expression) && !/^(?:this\.)?props$/.test(call.expression.expression.getText()))) visit(call.expression, last);
  }
  if (findNodes(node, ts.isIdentifier).some((id) => CONFIRMED.test(id.text)) || findNodes(node, ts.isStringLiteral).some((s) => /^undo\b/i.test(s.text))) confirms = true;
  return { destroys, confirms };
}

/** A request to an API path (`'/x'`, `` `/x/${id}` ``, `'https://…'`) as the first argument. */
function requestUrl(call: ts.CallExpression): string {
  const url = call.arguments[0];
  const text = url && (ts.isStringLiteralLike(url) ? url.text : ts.isTemplateExpression(url) ? url.getText().slice(1, -1) : '');
  return text && /^(?:\/|https?:)/.test(text) ? text : '';
}

/**
 * A request that writes: `fetch(url, { method: 'DELETE' })` or any helper given such options, `api.post(url)`,
 * `axios.delete(url)`. Navigation (`router.push('/x')`) and plain GETs are not.
 */
function isWriteRequest(call: ts.CallExpression): boolean {
  if (!requestUrl(call)) return false;
  const name = calleeName(call);
  const last = name.split('.').at(-1) ?? '';
  if (/^(?:post|put|patch|delete|del)$/.test(last)) return HTTP_CLIENT.test(name.slice(0, -last.length - 1)) || /^\$?\w*(?:api|http|client|axios)$/i.test(name.slice(0, -last.length - 1));
  if (NAVIGATION.test(last)) return false;
  const options = call.arguments[1];
  const method = options && ts.isObjectLiteralExpression(options) ? stringValue(propertyOf(options, 'method'))?.toUpperCase() : undefined;
  return method !== undefined && method !== 'GET' && method !== 'HEAD';
}

/** `fetch(url, { method: 'DELETE' })` or `api.delete(url)`. */
function isDeleteRequest(call: ts.CallExpression, name: string): boolean {
  const options = call.arguments[1];
  if (/^(?:window\.)?fetch$|^\$?ofetch$|^useFetch$/.test(name) && options && ts.isObjectLiteralExpression(options)) return stringValue(propertyOf(options, 'method'))?.toUpperCase() === 'DELETE';
  return /\.(?:delete|del)$/.test(name) && HTTP_CLIENT.test(name.replace(/\.(?:delete|del)$/, ''));
}

/** The button sits in a dialog, or renders only once the user has asked to confirm (`{confirming && <button>}`). */
function insideConfirmation(attr: ts.JsxAttribute): boolean {
  const element = attr.parent.parent;
  if (element.attributes.properties.some((p) => p !== attr && CONFIRMED.test(p.getText()))) return true;
  for (let node: ts.Node = element; node && !isFunctionLike(node); node = node.parent) {
    if ((ts.isJsxElement(node) && CONFIRM_UI.test(node.openingElement.tagName.getText())) || (ts.isJsxSelfClosingElement(node) && CONFIRM_UI.test(node.tagName.getText()))) return true;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && /confirm/i.test(node.left.getText())) return true;
    if (ts.isConditionalExpression(node) && /confirm/i.test(node.condition.getText())) return true;
  }
  return false;
}

/** `<button>` and `<button type="submit">` inside a form (not `type="button"`), which submit it. */
function submitButtons(form: ts.JsxElement): ts.JsxOpeningLikeElement[] {
  const opening = [...findNodes(form, ts.isJsxOpeningElement), ...findNodes(form, ts.isJsxSelfClosingElement)];
  return opening.filter((el) => el.tagName.getText() === 'button' && !CONFIRMED.test(el.attributes.getText()) && !el.attributes.properties.some((p) => ts.isJsxAttribute(p) && p.name.getText() === 'type' && /['"](?:button|reset)['"]/.test(p.initializer?.getText() ?? '')));
}
