import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, lineOf, ts } from './ast.js';

/** A function the framework calls with an error that escaped a request: where a server's failures are reported. */
export interface ErrorHandler {
  readonly file: SourceFile;
  readonly fn: ts.FunctionLikeDeclaration;
  /** The parameter that holds the error. */
  readonly error: string;
}

const NEEDLES = ['setErrorHandler', 'onError', '.use(', '@Catch', "'error'", '"error"'];
const LOG_CALL = /^(?:console\.(?:log|info|warn|error|debug|trace)|(?:\w+\.)*(?:log|logger|\w+Logger)\.(?:info|warn|error|fatal|debug|trace|log)|(?:Sentry|sentry|bugsnag|Bugsnag|rollbar|newrelic|honeybadger|Honeybadger)\.\w+|captureException|reportError|notify)$/;
/** Calls that create the server application: the place a project-wide choice (its logger, its request ids) is made. */
const BOOTSTRAP = /^(?:express|fastify|Fastify|NestFactory\.create(?:Microservice)?|Hono|Koa|restify\.createServer|http\.createServer|createServer)$/;

/**
 * Express error middleware (`app.use((err, req, res, next) => …)`), Fastify `setErrorHandler`, Hono `onError`,
 * Koa `app.on('error')` and Nest exception filters (`@Catch() class … { catch(exception, host) }`).
 */
export function errorHandlers(ctx: ProbeContext): ErrorHandler[] {
  const found: ErrorHandler[] = [];
  for (const file of ctx.scripts(NEEDLES)) {
    if (ctx.isFrontEnd(file)) continue;
    for (const call of ctx.calls(file)) {
      const name = calleeName(call).split('.').pop();
      const fn = call.arguments.find((a): a is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      if (!fn) continue;
      const express = name === 'use' && fn.parameters.length === 4;
      const hook = (name === 'setErrorHandler' || name === 'onError') && fn.parameters.length >= 1;
      const koa = name === 'on' && call.arguments[0] !== undefined && ts.isStringLiteral(call.arguments[0]) && call.arguments[0].text === 'error' && /\bapp\b/.test(calleeName(call));
      if (express || hook || koa) found.push({ file, fn, error: fn.parameters[0]!.name.getText() });
    }
    for (const cls of ctx.nodesOf<ts.ClassDeclaration>(file, ts.SyntaxKind.ClassDeclaration)) {
      if (!(ts.getDecorators(cls) ?? []).some((d) => /^Catch\b/.test(d.expression.getText()))) continue;
      for (const member of cls.members) {
        if (ts.isMethodDeclaration(member) && member.name.getText() === 'catch' && member.body && member.parameters[0]) found.push({ file, fn: member, error: member.parameters[0].name.getText() });
      }
    }
  }
  return found;
}

/** Logging and error-reporting calls: console, a logger (`req.log`, `this.logger`), Sentry and friends. */
export function isLogCall(call: ts.CallExpression): boolean {
  return LOG_CALL.test(calleeName(call));
}

/** The calls that create server applications in a file, in source order. */
export function bootstrapCalls(ctx: ProbeContext, file: SourceFile): ts.CallExpression[] {
  return ctx.calls(file).filter((call) => BOOTSTRAP.test(calleeName(call).replace(/^new /, '')));
}

/** `new Koa()` and `new Hono()` are constructions, not calls. */
export function bootstrapLine(ctx: ProbeContext, file: SourceFile): number | undefined {
  const call = bootstrapCalls(ctx, file)[0];
  if (call) return lineOf(call);
  const created = ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression).find((n) => /^(?:Koa|Hono)$/.test(n.expression.getText()));
  return created ? lineOf(created) : undefined;
}
