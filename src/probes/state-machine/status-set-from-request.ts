import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { lineOf, methodName, ts } from '../support/ast.js';
import { requestFlow } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

const UPDATES = new Set(['update', 'updateOne', 'updateMany', 'findByIdAndUpdate', 'findOneAndUpdate', 'upsert', 'patch', 'patchAndFetch', 'patchAndFetchById', 'updateAndFetch', 'updateAndFetchById']);
const STATUS_KEY = /^(?:status|state|\w+Status|\w+State)$/;
const SQL_STATUS = /^\s*update\s+["`]?(\w+)["`]?\s+set\s+([\s\S]*?)(?:\bwhere\b|$)/i;
/** The incoming value is checked against the known states or mapped through a table. */
const CHECKED = /\.(?:includes|has)\(|switch\s*\(\s*[\w.]*(?:status|state)\b|\b(?:status|state)\s*(?:===|!==|==|!=)|(?:===|!==)\s*[\w.]*(?:status|state)\b|\bz\.(?:enum|nativeEnum|literal)\b|\bisIn\(|@IsEnum|\bTRANSITIONS?\b|\bALLOWED\w*\[|\bvalid\w*Status/i;
/** Validators whose result no longer carries raw request text. */
const PASS = /^$/;

export default defineProbe({
  meta: {
    id: 'status-set-from-request',
    title: 'Status written straight from the request',
    category: 'State Machine',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    cwe: 'CWE-20',
    confidence: 'medium',
    description: 'A route or webhook handler writes a status or state taken from the request body, query or params into the database without checking it is a known state or an allowed transition from the current one.',
    impact: 'The caller (or a replayed, out-of-order webhook) decides the record\'s state: an account is reactivated after suspension, an order jumps to "delivered", or a typo stores a state no code handles.',
    remediation: 'Map the incoming value to one of your own states through an explicit table, reject anything else, and apply it only as a transition from the allowed current states (`WHERE status IN (...)`), ignoring stale events.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect: (ctx) => ctx.scripts([/status|state/i]).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  const hits: Hit[] = [];
  const report = (sink: ts.Node, value: ts.Node, what: string): void => {
    const flow = requestFlow(value, PASS);
    if (!flow || !flow.carries(value) || CHECKED.test(flow.fn.getText())) return;
    hits.push({ file, line: lineOf(sink), message: `${what} is set to a value from the request, unchecked: the caller chooses the state, whatever the current one.` });
  };
  for (const call of ctx.calls(file)) {
    const sql = call.arguments[0] && ts.isStringLiteralLike(call.arguments[0]) ? SQL_STATUS.exec(call.arguments[0].text) : null;
    const params = call.arguments[1];
    if (sql && params && ts.isArrayLiteralExpression(params)) {
      // `status = $2` → the second parameter; `status = ?` → the parameter with the same position among the ?s.
      const set = /\b((?:\w+_)?(?:status|state))\s*=\s*(\$(\d+)|\?)/i.exec(sql[2]!);
      const index = set ? (set[3] ? Number(set[3]) - 1 : (sql[2]!.slice(0, set.index).match(/\?/g) ?? []).length) : -1;
      const value = params.elements[index];
      if (set && value) report(call.arguments[0]!, value, `${sql[1]}.${set[1]}`);
      continue;
    }
    if (!UPDATES.has(methodName(call) ?? '')) continue;
    // `updateOne(filter, changes)`: a status in the filter is a guard, not a write; Sequelize `update(changes, { where })` is the other way round.
    const [first, second] = call.arguments;
    const filterFirst = second !== undefined && !(ts.isObjectLiteralExpression(second) && second.properties.some((p) => p.name?.getText() === 'where'));
    for (const arg of call.arguments.filter((a, i) => ts.isObjectLiteralExpression(a) && !(filterFirst && a === first) && i < 2) as ts.ObjectLiteralExpression[]) {
      const objects = [arg, ...arg.properties.flatMap((p) => (ts.isPropertyAssignment(p) && /^(?:data|\$set|update)$/.test(p.name.getText()) && ts.isObjectLiteralExpression(p.initializer) ? [p.initializer] : []))];
      for (const prop of objects.flatMap((o) => o.properties)) {
        if (!prop.name || !STATUS_KEY.test(prop.name.getText())) continue;
        if (ts.isPropertyAssignment(prop)) report(prop, prop.initializer, prop.name.getText());
        else if (ts.isShorthandPropertyAssignment(prop)) report(prop, prop.name, prop.name.text);
      }
    }
  }
  return hits;
}
