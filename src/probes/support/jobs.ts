import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, isFunctionLike, methodName, ts } from './ast.js';

/** Calls that send something to a person (mail, SMS, push): a repeat is visible to them. */
export const SENDS = /(?:^|\.)(?:send\w*(?:mail|email|sms|message|notification|receipt|invoice|reminder)\w*|sendMail|mail|notify\w*)$|(?:mail|email|sms|twilio|resend|sgMail|mailer|transporter)\w*\.(?:\w+\.)?send\w*$/i;
/** Response writers share the verb: `res.send`, `reply.send`. */
export function isSend(call: ts.CallExpression): boolean {
  const name = calleeName(call);
  return SENDS.test(name) && !/^(?:res|reply|response|ctx|c|NextResponse)\./.test(name);
}

const SCHEDULERS = /^(?:cron\.schedule|schedule\.scheduleJob|scheduleJob|nodeCron\.schedule|CronJob\.from)$|\.schedule$/;

/**
 * Functions that run on a timer: Nest `@Cron`/`@Interval` methods, callbacks given to node-cron,
 * node-schedule or `new CronJob`, and the functions of the same file those callbacks call by name.
 */
export function scheduledFunctions(ctx: ProbeContext, file: SourceFile): ts.FunctionLikeDeclaration[] {
  const found = new Set<ts.FunctionLikeDeclaration>();
  for (const method of ctx.nodesOf<ts.MethodDeclaration>(file, ts.SyntaxKind.MethodDeclaration)) {
    if ((ts.getDecorators(method) ?? []).some((d) => /^(?:Cron|Interval)\(/.test(d.expression.getText()))) found.add(method);
  }
  const callbacks = [
    ...ctx.calls(file).filter((c) => SCHEDULERS.test(calleeName(c)) && c.arguments.length >= 2).map((c) => c.arguments[1]!),
    ...ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression).filter((n) => /CronJob$/.test(n.expression.getText())).map((n) => n.arguments?.[1]),
  ].filter((cb): cb is ts.Expression => !!cb).filter((cb): cb is ts.ArrowFunction | ts.FunctionExpression => isFunctionLike(cb));
  const declared = new Map(ctx.nodesOf<ts.FunctionDeclaration>(file, ts.SyntaxKind.FunctionDeclaration).filter((f) => f.name).map((f) => [f.name!.text, f]));
  for (const callback of callbacks) {
    found.add(callback);
    for (const call of findNodes(callback, ts.isCallExpression)) {
      const target = declared.get(methodName(call) ?? '');
      if (target && ts.isIdentifier(call.expression)) found.add(target);
    }
  }
  return [...found];
}
