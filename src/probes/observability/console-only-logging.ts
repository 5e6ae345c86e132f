import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { bootstrapLine, errorHandlers } from '../support/error-handlers.js';
import { defineProbe } from '../types.js';

/** Leveled, structured loggers. Sentry and friends report errors; they do not replace logs, so they are not listed. */
const LOGGER_PACKAGES = ['pino', 'pino-http', 'nestjs-pino', 'winston', 'express-winston', 'nest-winston', 'bunyan', 'log4js', 'loglevel', 'consola', 'signale', 'tslog', 'roarr', '@logtape/logtape', 'npmlog', '@google-cloud/logging', '@aws-lambda-powertools/logger', '@ogma/nestjs-module', 'electrode-logger'];
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']);
/** Calls through a logger of the project's own (`logger.info`, `this.log.error`): an abstraction exists and can be swapped. */
const OWN_LOGGER_CALL = /(?:^|\.)(?:logger|log|\w+Logger)\.(?:info|warn|error|debug|trace|fatal)$/;
/** Code that does not run in the server process: build tooling, one-off scripts, seeds and migrations. */
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?|prisma|public|static|cypress|playwright|stories)\/|\.(?:config|stories)\.[cm]?[jt]sx?$|\.[jt]sx$/;

export default defineProbe({
  meta: {
    id: 'console-only-logging',
    title: 'Server logs only with console',
    category: 'Observability',
    severity: 'LOW',
    phase: 7,
    agent: 'ops-auditor',
    cwe: 'CWE-778',
    confidence: 'medium',
    description: 'Server code logs only through console.* and the project uses no structured logger (pino, winston, bunyan, Nest Logger, Fastify’s built-in logger).',
    impact: 'Logs are unstructured lines without levels, request ids or context, so incidents cannot be searched, filtered or alerted on, and log volume cannot be turned down in production.',
    remediation: 'Adopt a structured logger (pino or winston), log JSON with a level and a request id per line, and replace console calls in server code.',
    effort: 'days',
  },
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    if (ctx.hasDependency(...LOGGER_PACKAGES)) return [];
    const routeFiles = new Set(ctx.routes().map((route) => route.file.path));
    const files = ctx
      .scripts(['console.'])
      .filter((file) => !NOT_SERVER_PATH.test(file.path) && !ctx.isFrontEnd(file))
      .sort((a, b) => Number(routeFiles.has(b.path)) - Number(routeFiles.has(a.path)) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (ctx.scripts(['Logger', 'logger', 'log.']).some((file) => usesOwnLogger(ctx, file))) return [];

    const calls = files.flatMap((file) => ctx.calls(file).filter(isConsoleCall).map((call) => ({ file, call })));
    // console.log(JSON.stringify({ level, msg })) is structured logging through stdout.
    if (calls.length === 0 || calls.some(({ call }) => call.arguments[0]?.getText().startsWith('JSON.stringify('))) return [];
    const spread = new Set(calls.map((c) => c.file.path)).size;
    const message = `Server code logs only through console (${calls.length} call${calls.length === 1 ? '' : 's'} in ${spread} file${spread === 1 ? '' : 's'}) and no structured logger is in use.`;
    return [{ ...anchor(ctx, calls), message }];
  },
});

/**
 * One finding for the project, where the absence bites: the console call of the app's error handler (the line
 * an incident needs most), else the line that creates the server app, else the first console call.
 */
function anchor(ctx: ProbeContext, calls: { file: SourceFile; call: ts.CallExpression }[]): { file: SourceFile; line: number } {
  for (const handler of errorHandlers(ctx)) {
    if (NOT_SERVER_PATH.test(handler.file.path)) continue;
    const call = findNodes(handler.fn, ts.isCallExpression).find(isConsoleCall);
    if (call) return { file: handler.file, line: lineOf(call) };
  }
  for (const file of ctx.scripts(['express', 'fastify', 'Fastify', 'NestFactory', 'Koa', 'Hono', 'createServer']).filter((f) => !NOT_SERVER_PATH.test(f.path) && !ctx.isFrontEnd(f))) {
    const line = bootstrapLine(ctx, file);
    if (line !== undefined) return { file, line };
  }
  return { file: calls[0]!.file, line: lineOf(calls[0]!.call) };
}

function isConsoleCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && callee.expression.getText() === 'console' && CONSOLE_METHODS.has(callee.name.text);
}

/** Nest's Logger, Fastify's pino (`logger: true`, `request.log`), or the project's own logger module. */
function usesOwnLogger(ctx: ProbeContext, file: SourceFile): boolean {
  const sf = ctx.ast(file);
  const nestLogger = findNodes(sf, ts.isImportDeclaration).some(
    (imp) => stringValue(imp.moduleSpecifier) === '@nestjs/common' && /\bLogger\b/.test(imp.importClause?.namedBindings?.getText() ?? ''),
  );
  if (nestLogger) return true;
  return findNodes(sf, ts.isCallExpression).some((call) => {
    if (OWN_LOGGER_CALL.test(calleeName(call))) return true;
    const options = call.arguments[0];
    if (!/^fastify$/i.test(call.expression.getText()) || !options || !ts.isObjectLiteralExpression(options)) return false;
    const logger = propertyOf(options, 'logger');
    return logger !== undefined && logger.kind !== ts.SyntaxKind.FalseKeyword;
  });
}
