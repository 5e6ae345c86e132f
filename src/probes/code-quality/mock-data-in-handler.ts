import { calleeName, findNodes, isFunctionLike, lineOf, methodName, ts, walkNodes } from '../support/ast.js';
import { uniqueHandlers } from '../support/handlers.js';
import { defineProbe, type Hit } from '../types.js';

const MOCK_NAME = /mock|fake|dummy|sample|stub|placeholder/i;
const MOCK_VALUE = /\b(?:mock|fake|dummy|sample|stub|todo|placeholder|lorem|ipsum|john doe|jane doe)\b|@example\.(?:com|org|net)\b/i;
/** Lists that are legitimately constant: reference data, health and build info. */
const STATIC_PATH = /countr|currenc|language|locale|timezone|config|setting|enum|option|health|status|version|meta|ping/i;
/** Calls that only shape the response or the literal; anything else may be the data access we are looking for. */
const PURE_ROOT = /^(?:res|reply|response|Response|NextResponse|c|JSON|Math|Date|String|Number|Boolean|Object|Array|console|logger|log)$/;
const ARRAY_METHODS = new Set(['filter', 'map', 'find', 'slice', 'sort', 'includes', 'some', 'every', 'reduce', 'toLowerCase', 'toUpperCase', 'trim', 'parseInt', 'parseFloat', 'String', 'Number', 'Boolean']);
/** Numeric, `prefix_12`, UUID, ObjectId or cuid-like: ids a database would have generated. */
const GENERATED_ID = /^(?:\d+|[a-z]+[-_]\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{10,})$/i;
const SENDERS = new Set(['json', 'send', 'jsonp']);

export default defineProbe({
  meta: {
    id: 'mock-data-in-handler',
    title: 'Route returns hard-coded mock data',
    category: 'Code Quality',
    severity: 'HIGH',
    phase: 3,
    agent: 'code-auditor',
    confidence: 'medium',
    description: 'A route handler answers with literal records (sample ids, mock names, example.com emails) and never reads a data store or calls anything.',
    impact: 'The feature looks finished in a demo but is not connected: every user sees the same fake data and writes go nowhere.',
    remediation: 'Wire the handler to the real data source (database, service or API) and move sample records into seeds or test fixtures.',
    effort: 'days',
  },
  applies: (ctx) => ctx.routes().length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const { route, handler } of uniqueHandlers(ctx)) {
      if (STATIC_PATH.test(route.path) || touchesData(handler)) continue;
      const sf = ctx.ast(route.file);
      for (const { at, payload } of responses(handler, route.framework !== 'express')) {
        if (!isMock(payload, sf)) continue;
        hits.push({ file: route.file, line: lineOf(at), message: `${route.method} ${route.path} returns hard-coded data; the feature is not connected.` });
        break;
      }
    }
    return hits;
  },
});

/** Any await, promise chain or call outside response helpers and plain data shaping. */
function touchesData(handler: ts.FunctionLikeDeclaration): boolean {
  let found = false;
  walkNodes(handler.body!, (node) => {
    if (ts.isAwaitExpression(node) || ts.isYieldExpression(node)) found = true;
    if (ts.isCallExpression(node)) {
      const root = calleeName(node).split(/[.(]/)[0]!;
      const harmless = PURE_ROOT.test(root) || ARRAY_METHODS.has(methodName(node) ?? '') || /^(?:req|request)\.(?:get|header|param)$/.test(calleeName(node));
      if (!harmless) found = true;
    }
    return found ? false : undefined;
  });
  return found;
}

/** What the handler sends: `res.json(x)`, `reply.send(x)`, `Response.json(x)`, or `return x` where the framework sends return values. */
function responses(handler: ts.FunctionLikeDeclaration, returnsSend: boolean): { at: ts.Node; payload: ts.Expression }[] {
  const out: { at: ts.Node; payload: ts.Expression }[] = [];
  if (handler.body && !ts.isBlock(handler.body)) out.push({ at: handler.body, payload: handler.body });
  walkNodes(handler.body!, (node) => {
    if (isFunctionLike(node)) return false;
    if (ts.isCallExpression(node) && SENDERS.has(methodName(node) ?? '') && node.arguments[0]) out.push({ at: node, payload: node.arguments[0] });
    else if (returnsSend && ts.isReturnStatement(node) && node.expression && !ts.isCallExpression(node.expression)) out.push({ at: node, payload: node.expression });
    return undefined;
  });
  return out;
}

function isMock(payload: ts.Expression, sf: ts.SourceFile): boolean {
  const pieces: ts.Expression[] = [payload];
  // A payload that gathers constants: `res.json({ daily: dailyStats, topProducts })`.
  if (ts.isObjectLiteralExpression(payload)) {
    for (const p of payload.properties) pieces.push(...(ts.isShorthandPropertyAssignment(p) ? [p.name] : ts.isPropertyAssignment(p) ? [p.initializer] : []));
  }
  return pieces.some((piece) => isMockPiece(piece, sf));
}

function isMockPiece(piece: ts.Expression, sf: ts.SourceFile): boolean {
  let expr: ts.Expression | undefined = piece;
  if (ts.isIdentifier(piece)) {
    if (MOCK_NAME.test(piece.text)) return true;
    expr = findNodes(sf, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === piece.text)?.initializer;
  }
  if (!expr || (!ts.isObjectLiteralExpression(expr) && !ts.isArrayLiteralExpression(expr))) return false;
  const strings = findNodes(expr, ts.isStringLiteralLike).map((s) => s.text);
  const keys = findNodes(expr, ts.isPropertyAssignment).map((p) => p.name.getText());
  if (strings.some((s) => MOCK_VALUE.test(s)) || keys.some((k) => MOCK_NAME.test(k))) return true;
  return isLiteralData(expr) && recordLists(expr).some((records) => records.length >= 2 && (records.every(hasSampleId) || records.every(hasDate)));
}

/** Literal JSON-like data: no identifiers, calls or functions anywhere inside. */
function isLiteralData(node: ts.Expression): boolean {
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isPrefixUnaryExpression(node)) return ts.isNumericLiteral(node.operand);
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node)) return isLiteralData(node.expression);
  if (ts.isArrayLiteralExpression(node)) return node.elements.length > 0 && node.elements.every(isLiteralData);
  if (ts.isObjectLiteralExpression(node)) return node.properties.length > 0 && node.properties.every((p) => ts.isPropertyAssignment(p) && isLiteralData(p.initializer));
  return false;
}

function recordLists(node: ts.Expression): ts.ObjectLiteralExpression[][] {
  const arrays = findNodes(node, ts.isArrayLiteralExpression).concat(ts.isArrayLiteralExpression(node) ? [node] : []);
  return arrays.map((array) => array.elements.filter(ts.isObjectLiteralExpression));
}

/** `{ id: 1 }`, `{ id: 'ord_2' }`, `{ id: 'clx8q2m0a0001' }`: a row id typed in by hand, unlike a reference code such as `{ code: 'US' }` or `{ id: 'pro' }`. */
function hasSampleId(record: ts.ObjectLiteralExpression): boolean {
  return record.properties.length >= 2 && record.properties.some((p) => {
    if (!ts.isPropertyAssignment(p) || !/^(?:id|_id|uuid|\w+Id)$/.test(p.name.getText().replace(/['"]/g, ''))) return false;
    return ts.isNumericLiteral(p.initializer) || (ts.isStringLiteralLike(p.initializer) && GENERATED_ID.test(p.initializer.text));
  });
}

/** Time-series rows (`{ date: '2025-03-24', orders: 41 }`) are measurements, never reference data. */
function hasDate(record: ts.ObjectLiteralExpression): boolean {
  return record.properties.some((p) => ts.isPropertyAssignment(p) && ts.isStringLiteralLike(p.initializer) && /^\d{4}-\d{2}-\d{2}/.test(p.initializer.text));
}
