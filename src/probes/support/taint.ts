import { expressionName, isFunctionLike, ts, walkNodes } from './ast.js';

/**
 * Light, intra-function data flow: enough to tell `req.query.id` (or a variable assigned from it)
 * reaching a sink from a constant. Not a full taint engine: no inter-procedural flow.
 */

const REQUEST_OBJECT = /^(?:req|request|ctx\.request|ctx|context\.req|event)$/;
const REQUEST_FIELDS = new Set(['body', 'query', 'params', 'headers', 'cookies', 'files', 'file', 'searchParams', 'nextUrl', 'url', 'rawBody']);

/** True when the expression reads request data directly: `req.body.x`, `await req.json()`, `searchParams.get()`. */
export function isRequestRead(node: ts.Node, requestNames: ReadonlySet<string>): boolean {
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    const field = ts.isPropertyAccessExpression(node) ? node.name.text : undefined;
    const owner = expressionName(node.expression);
    if (field && REQUEST_FIELDS.has(field) && (REQUEST_OBJECT.test(owner) || requestNames.has(owner))) return true;
    // hapi's body is `request.payload`; other objects' `payload` (events, jobs) is not request data.
    if (field === 'payload' && (/^(?:req|request)$/.test(owner) || (requestNames.has(owner) && !/^(?:event|job|message|msg|data)$/.test(owner)))) return true;
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const owner = expressionName(node.expression.expression);
    const method = node.expression.name.text;
    // Multipart uploads: fastify-multipart's `request.file()`, `request.files()`, `request.parts()`.
    if (['json', 'text', 'formData', 'file', 'files', 'parts'].includes(method) && (REQUEST_OBJECT.test(owner) || requestNames.has(owner))) return true;
    if (method === 'get' && /searchParams$/.test(owner)) return true;
    if (method === 'param' && (REQUEST_OBJECT.test(owner) || requestNames.has(owner))) return true;
  }
  return false;
}

export class TaintScope {
  private readonly requestNames = new Set<string>();
  private readonly tainted = new Set<string>();

  /** Builds the tainted-name set of one function: its request parameter and what is assigned from it. */
  constructor(fn: ts.FunctionLikeDeclaration | undefined) {
    if (!fn) return;
    const first = fn.parameters[0];
    if (first && ts.isIdentifier(first.name)) this.requestNames.add(first.name.text);
    if (first && ts.isObjectBindingPattern(first.name)) {
      // Nest style `({ body })` or Next style `({ params })`: destructured request fields are data.
      for (const element of first.name.elements) if (ts.isIdentifier(element.name)) this.tainted.add(element.name.text);
    }
    for (const param of fn.parameters) {
      const decorated = ts.canHaveDecorators(param) && (ts.getDecorators(param) ?? []).some((d) => /^(Body|Query|Param|Headers|Req)\b/.test(d.expression.getText()));
      if (decorated && ts.isIdentifier(param.name)) this.tainted.add(param.name.text);
    }
    // Two passes let `const a = req.body; const b = a.x;` taint b whatever the declaration order.
    for (let pass = 0; pass < 2; pass++) {
      walkNodes(fn, (node) => {
        if (node !== fn && isFunctionLike(node) && !ts.isArrowFunction(node)) return false;
        if (ts.isVariableDeclaration(node) && node.initializer && this.mentions(node.initializer)) this.bind(node.name);
        if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && this.mentions(node.right)) {
          this.tainted.add(node.left.text);
        }
        return undefined;
      });
    }
  }

  private bind(name: ts.BindingName): void {
    if (ts.isIdentifier(name)) this.tainted.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) this.bind(element.name);
  }

  /** True when any part of `node` reads request data or a tainted variable. */
  mentions(node: ts.Node): boolean {
    let found = false;
    const visit = (child: ts.Node): void => {
      if (found) return;
      if (isRequestRead(child, this.requestNames) || (ts.isIdentifier(child) && this.tainted.has(child.text) && !isPropertyName(child))) {
        found = true;
        return;
      }
      ts.forEachChild(child, visit);
    };
    visit(node);
    return found;
  }
}

function isPropertyName(id: ts.Identifier): boolean {
  const parent = id.parent;
  return (ts.isPropertyAccessExpression(parent) && parent.name === id) || (ts.isPropertyAssignment(parent) && parent.name === id);
}
