import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, isFunctionLike, lineOf, methodName, ts, walkNodes } from '../support/ast.js';
import { uniqueHandlers } from '../support/handlers.js';
import { projectModule, relativeImports } from '../support/imports.js';
import { SCHEDULER_NEEDLES, scheduledJobs } from '../support/schedulers.js';
import { defineProbe, type Hit } from '../types.js';

/** Clients whose calls always return promises, and the methods on them that write or send. */
const CLIENT = /^(?:prisma|db|database|knex|pool|stripe|mailer|mail|transporter|emailClient|sendgrid|sgMail|resend|queue|\w+Queue|producer|publisher|kafka|sqs|sns|s3|axios|got|supabase)$/;
const WRITES = new Set(['create', 'createMany', 'update', 'updateMany', 'upsert', 'delete', 'deleteMany', 'destroy', 'insert', 'insertOne', 'insertMany', 'updateOne', 'deleteOne', 'send', 'sendMail', 'sendEmail', 'save', 'charge', 'enqueue', 'publish', 'add', 'post', 'put', 'patch', '$executeRaw', '$transaction', 'putObject', 'sendMessage', 'query']);
const RESPONSE = /^(?:res|reply|response|ctx|c)$/;

export default defineProbe({
  meta: {
    id: 'floating-promise-in-handler',
    title: 'Async call in a route handler is not awaited',
    category: 'Code Quality',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-755',
    confidence: 'medium',
    description: 'An HTTP route handler starts an async database, payment, mail, queue or HTTP call (or a local async function) without awaiting, returning or handling it; so does a service method calling an injected service’s async method, or a node-cron/setInterval job whose async call’s rejection nobody handles.',
    impact: 'The response goes out before the work finishes and a failure is never reported: the client sees success for a write that did not happen, and an unhandled rejection can crash the process.',
    remediation: 'Await the call (or return it); when it really must run in the background, hand it to a queue or mark it `void` with a `.catch` that logs.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const { route, handler } of uniqueHandlers(ctx)) {
      const asyncNames = localAsyncFunctions(ctx.ast(route.file), handler);
      for (const name of importedAsyncFunctions(ctx, route.file)) asyncNames.add(name);
      walkNodes(handler.body, (node) => {
        if (isFunctionLike(node)) return false; // callbacks run on their own schedule
        if (!ts.isExpressionStatement(node) || !ts.isCallExpression(node.expression)) return undefined;
        const call = node.expression;
        if (!isClearlyAsync(call, asyncNames)) return undefined;
        hits.push({
          file: route.file,
          line: lineOf(node),
          message: `${calleeName(call)}(...) in ${route.method} ${route.path} is not awaited: the response can go out before it finishes and its failure is lost or crashes the process.`,
        });
        return undefined;
      });
    }
    const seen = new Set(hits.map((hit) => `${hit.file.path}:${hit.line}`));
    const more = [...scheduledJobsLosingRejections(ctx), ...injectedServiceCallsNotAwaited(ctx)];
    return hits.concat(more.filter((hit) => !seen.has(`${hit.file.path}:${hit.line}`)));
  },
});

/**
 * `cron.schedule('*\/10 * * * *', () => sendReminders())`, `setInterval(() => { flush(); }, 1000)`: the scheduler
 * drops the job's promise (node-cron turns a rejection into a 'task-failed' event nobody listens to; setInterval
 * leaves it unhandled), so a failing job fails silently on every run. Nest's `@Cron` methods are left out: the
 * Nest scheduler catches and logs what they throw.
 */
function scheduledJobsLosingRejections(ctx: ProbeContext): Hit[] {
  return ctx.scripts(SCHEDULER_NEEDLES).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => {
    const jobs = scheduledJobs(ctx, file);
    // Most files that mention a timer schedule nothing: the imported modules are read only for those that do.
    if (jobs.length === 0) return [];
    const asyncNames = localAsyncFunctions(ctx.ast(file), undefined);
    for (const name of importedAsyncFunctions(ctx, file)) asyncNames.add(name);
    return jobs.flatMap(({ job, what }) => {
      if (!ts.isArrowFunction(job) && !ts.isFunctionExpression(job)) return [];
      const calls = ts.isBlock(job.body)
        ? job.body.statements.filter(ts.isExpressionStatement).map((statement) => statement.expression)
        : [job.body];
      return calls.filter((call): call is ts.CallExpression => ts.isCallExpression(call) && isClearlyAsync(call, asyncNames)).map((call) => ({
        file,
        line: lineOf(call),
        message: `${calleeName(call)}(...) runs from ${what} and nothing handles its rejection: when the job fails, the failure is dropped on every run and nobody is told.`,
      }));
    });
  });
}

/**
 * `this.mailer.sendInvoice(invoice);` inside a service method, where `mailer` is a constructor-injected class of
 * the project whose `sendInvoice` is async: the caller carries on (and answers) before the work is done, and a
 * failure becomes an unhandled rejection instead of an error the caller sees.
 */
function injectedServiceCallsNotAwaited(ctx: ProbeContext): Hit[] {
  return ctx.files(['typescript'], [INJECTING_CONSTRUCTOR]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) =>
    findNodes(ctx.ast(file), ts.isClassDeclaration).flatMap((cls) => {
      const injected = injectedAsyncMethods(ctx, cls);
      if (injected.size === 0) return [];
      const hits: Hit[] = [];
      for (const method of cls.members.filter(ts.isMethodDeclaration)) {
        if (!method.body) continue;
        walkNodes(method.body, (node) => {
          if (isFunctionLike(node)) return false;
          if (!ts.isExpressionStatement(node) || !ts.isCallExpression(node.expression)) return undefined;
          const name = calleeName(node.expression);
          if (injected.has(name)) hits.push({ file, line: lineOf(node), message: `${name}(...) is async and not awaited: the method carries on before it finishes, and its failure becomes an unhandled rejection nobody sees.` });
          return undefined;
        });
      }
      return hits;
    }),
  );
}

/** A constructor whose first parameter is a TypeScript parameter property (decorators allowed): the only way a class gets injected services. */
const INJECTING_CONSTRUCTOR = /constructor\(\s*(?:@[\w.]+\([^)]*\)\s*)*(?:private|protected|public|readonly)\s/;

/** `constructor(private readonly mailer: MailerService)`: `this.mailer.<m>` for every async method `<m>` of the project's MailerService. */
function injectedAsyncMethods(ctx: ProbeContext, cls: ts.ClassDeclaration): Set<string> {
  const names = new Set<string>();
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  for (const param of ctor?.parameters ?? []) {
    const isProperty = (ts.getModifiers(param) ?? []).some((m) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ReadonlyKeyword].includes(m.kind));
    if (!isProperty || !ts.isIdentifier(param.name) || !param.type || !ts.isTypeReferenceNode(param.type)) continue;
    const typeName = param.type.typeName.getText();
    for (const method of asyncMethodsOfProjectClass(ctx, typeName)) names.add(`this.${param.name.text}.${method}`);
  }
  return names;
}

function asyncMethodsOfProjectClass(ctx: ProbeContext, className: string): string[] {
  return ctx.scripts([`class ${className}`]).flatMap((file) =>
    findNodes(ctx.ast(file), ts.isClassDeclaration)
      .filter((decl) => decl.name?.text === className)
      .flatMap((decl) => decl.members.filter(ts.isMethodDeclaration).filter((m) => (ts.getModifiers(m) ?? []).some((mod) => mod.kind === ts.SyntaxKind.AsyncKeyword)).map((m) => m.name.getText())),
  );
}

function isClearlyAsync(call: ts.CallExpression, asyncNames: ReadonlySet<string>): boolean {
  // `pool.query(sql, (err, rows) => …)`, `transporter.sendMail(opts, cb)`: callback APIs return no promise.
  const last = call.arguments.at(-1);
  if (last && isFunctionLike(last)) return false;
  const name = calleeName(call).replace(/^this\./, '');
  if (asyncNames.has(name) || asyncNames.has(calleeName(call))) return true;
  if (name === 'fetch') return true;
  const segments = name.split('.');
  const root = segments[0]!.replace(/\(\)$/, '');
  const method = methodName(call) ?? '';
  if (segments.length < 2 || RESPONSE.test(root)) return false;
  // Mongoose and TypeORM entities persist themselves: `order.save()` (but `req.session.save()` is express-session's).
  if (method === 'save') return !/^(?:req|request)$/.test(root);
  return CLIENT.test(root) && WRITES.has(method);
}

/** Functions declared `async` in the handler's file, plus the async methods of its class (called as `this.x`). */
function localAsyncFunctions(sf: ts.SourceFile, handler: ts.FunctionLikeDeclaration | undefined): Set<string> {
  const names = new Set<string>();
  const isAsync = (fn: ts.Node): boolean => ts.canHaveModifiers(fn) && (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  for (const fn of findNodes(sf, ts.isFunctionDeclaration)) if (fn.name && isAsync(fn)) names.add(fn.name.text);
  for (const decl of findNodes(sf, ts.isVariableDeclaration)) {
    const init = decl.initializer;
    if (ts.isIdentifier(decl.name) && init && isFunctionLike(init) && isAsync(init)) names.add(decl.name.text);
  }
  const cls = handler && ts.isMethodDeclaration(handler) && ts.isClassDeclaration(handler.parent) ? handler.parent : undefined;
  for (const member of cls?.members ?? []) if (ts.isMethodDeclaration(member) && isAsync(member)) names.add(`this.${member.name.getText()}`);
  return names;
}

/**
 * Names imported from the project's own modules that are declared `async` there: ES imports
 * (`import { moderate } from '../services/moderation.js'`, `import * as services from '../services'`) and CommonJS
 * requires (`const { sendEmail } = require('../services')`, `const services = require('../services')` called as `services.sendEmail`).
 */
function importedAsyncFunctions(ctx: ProbeContext, file: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const [specifier, bound] of relativeImports(ctx.ast(file))) {
    const target = projectModule(ctx, file.path, specifier);
    const declared = target ? localAsyncFunctions(ctx.ast(target), undefined) : new Set<string>();
    for (const [local, exported] of bound.named) if (declared.has(exported)) names.add(local);
    for (const ns of bound.ns) for (const name of declared) names.add(`${ns}.${name}`);
  }
  return names;
}
