import { findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { requestFlow, sourcesOf, type Flow } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

/** Mongo/Mongoose calls whose first argument (distinct: second) is a query filter. */
const QUERIES = new Set(['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndRemove', 'findOneAndReplace', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'countDocuments', 'count', 'exists', 'distinct', 'aggregate']);
/** Operators whose operand is matched literally or must be an array/string: an object there injects nothing. */
const CONTAINERS = /^\$(?:and|or|nor|not|elemMatch|match)$/;
const SENSITIVE = /pass|pwd|token|secret|code|otp|pin|email|user|login|key|hash|session|role|admin|owner|account|tenant/i;
/** Files on another ORM, whose `find`/`count` do not read Mongo operators. */
const OTHER_ORM = /(?:from\s+|require\()['"](?:sequelize|typeorm|@prisma\/client|knex|drizzle-orm[^'"]*|objection|@mikro-orm\/[^'"]+)['"]/;
/** Validation that fixes a value's type before it is queried. */
const CHECKED = /\btypeof\b|validationResult|matchedData|sanitiz|(?<!JSON)\.parse\(|safeParse|celebrate|checkSchema|\bvalidate\w*\(/;

export default defineProbe({
  meta: {
    id: 'nosql-injection',
    title: 'MongoDB query built from raw request data',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-943',
    confidence: 'medium',
    description: 'Request body or query data goes into a MongoDB/Mongoose filter as it came (the whole object, or a field value that may be an object), or into a `$where` clause.',
    impact: 'A caller sends `{"$ne": null}` or `{"$gt": ""}` in place of a value and matches any record: logging in without a password, reading or deleting other users’ data; `$where` runs their JavaScript on the database.',
    remediation: 'Validate request data with a schema (zod, Joi, class-validator) or cast each value (`String(req.body.email)`) before querying, enable `mongoose.set("sanitizeFilter", true)` or express-mongo-sanitize, and never use `$where`.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency('mongoose', 'mongodb') || ctx.scripts(['mongoose', 'mongodb']).length > 0,
  detect(ctx) {
    // express-mongo-sanitize or Mongoose's sanitizeFilter strips `$` keys app-wide.
    if (ctx.scripts(['mongo-sanitize', 'sanitizeFilter']).length > 0) return [];
    // A global ValidationPipe checks Nest's @Body()/@Query() DTOs before the handler runs.
    const nestValidated = ctx.scripts(['ValidationPipe']).length > 0;
    // Fastify's and hapi's query parsers yield strings only (Express's qs turns `a[$ne]=1` into an object), unless qs is plugged in.
    const qsEverywhere = ctx.scripts(['querystringParser']).length > 0;
    return ctx
      .scripts(['find', 'update', 'delete', 'count', 'exists', 'distinct', 'aggregate', '$where'])
      .filter((file) => !ctx.isFrontEnd(file) && !OTHER_ORM.test(file.text))
      .flatMap((file) => {
        const objectQueries = qsEverywhere || !/['"](?:fastify|@hapi\/hapi)['"]/.test(file.text);
        return findNodes(ctx.ast(file), (n): n is ts.CallExpression | ts.PropertyAssignment => ts.isCallExpression(n) || ts.isPropertyAssignment(n)).flatMap((node): Hit[] => {
          if (ts.isPropertyAssignment(node)) return /^['"]?\$where['"]?$/.test(node.name.getText()) ? whereHits(file, node.initializer) : [];
          const callee = node.expression;
          if (!ts.isPropertyAccessExpression(callee) || /prisma/i.test(callee.expression.getText())) return [];
          const method = callee.name.text;
          const filter = node.arguments[method === 'distinct' ? 1 : 0];
          if (method === '$where' && filter) return whereHits(file, filter);
          // `{ where: … }` is a Sequelize/TypeORM options object, not a Mongo filter.
          if (!QUERIES.has(method) || !filter || (ts.isObjectLiteralExpression(filter) && propertyOf(filter, 'where'))) return [];
          const flow = requestFlow(node, /^JSON\.parse$/, (field, n) => (field === 'body' || field === 'json' || (field === 'query' && objectQueries)) && !(nestValidated && ts.isIdentifier(n)));
          const at = flow && !checked(flow, node) ? injected(filter, flow) : undefined;
          if (at === undefined) return [];
          const field = at === '*' ? 'filter' : `\`${at}\` value`;
          // Matching any record is critical for credentials and writes; a catalog filter only shows more of what it already shows.
          const severity = at === '*' || /^(?:update|delete|replace|findOneAnd)/.test(method) || SENSITIVE.test(at) ? 'CRITICAL' : 'HIGH';
          return [{ file, line: lineOf(node), severity, message: `Request data is the ${method}() ${field} as it came: an object such as {"$ne": null} in its place matches any record (NoSQL operator injection).` }];
        });
      });
  },
});

/** Where request data stands in a filter as it came: the field it is the value of, '*' for the whole filter, undefined for nowhere. */
function injected(node: ts.Node, flow: Flow, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return injected(node.expression, flow, depth + 1);
  const from = ts.isIdentifier(node) ? sourcesOf(node.text, flow.fn) : [];
  if (from.length === 1 && (ts.isObjectLiteralExpression(from[0]!) || ts.isArrayLiteralExpression(from[0]!))) return injected(from[0]!, flow, depth + 1);
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((el) => injected(el, flow, depth + 1)).find((at) => at !== undefined);
  if (!ts.isObjectLiteralExpression(node)) return flow.carries(node) ? '*' : undefined;
  for (const prop of node.properties) {
    const key = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : '*';
    if (ts.isSpreadAssignment(prop) && flow.carries(prop.expression)) return '*';
    if (ts.isShorthandPropertyAssignment(prop) && flow.carries(prop.name)) return key;
    const at = ts.isPropertyAssignment(prop) && (!key.startsWith('$') || CONTAINERS.test(key)) ? injected(prop.initializer, flow, depth + 1) : undefined;
    if (at !== undefined) return at === '*' ? key : at;
  }
  return undefined;
}

/** `$where` runs JavaScript on the server: request data in it is injection, a string built at run time a likely one. */
function whereHits(file: Hit['file'], value: ts.Expression): Hit[] {
  if (ts.isFunctionExpression(value) || ts.isArrowFunction(value) || stringValue(value) !== undefined) return [];
  const flow = requestFlow(value, /^(?:String|JSON\.stringify|decodeURIComponent)$|\.(?:toString|trim)$/);
  if (flow?.carries(value)) return [{ file, line: lineOf(value), message: 'Request data is spliced into a `$where` clause, which MongoDB runs as JavaScript (server-side JavaScript injection).' }];
  const built = ts.isTemplateExpression(value) || (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken);
  return built ? [{ file, line: lineOf(value), severity: 'HIGH', message: 'A `$where` clause is built from a string at run time; MongoDB runs it as JavaScript, so any outside value in it is code injection.' }] : [];
}

/** A type check or schema validation in the handler before the query, or validation middleware on its route. */
function checked(flow: Flow, sink: ts.Node): boolean {
  const before = flow.fn.getText().slice(0, sink.getStart() - flow.fn.getStart());
  // The route registration around the handler: `router.post(path, body('email').isEmail(), h)`, `{ schema, handler }`.
  let route: ts.Node = flow.fn;
  for (let up = 0; up < 3 && !ts.isCallExpression(route) && route.parent; up++) route = route.parent;
  const guards = ts.isCallExpression(route) ? route.getText().replace(flow.fn.getText(), '') : '';
  return CHECKED.test(before) || /validat|celebrate|checkSchema|\bschema\b|\b(?:body|query|check)\(\s*['"]/.test(guards);
}
