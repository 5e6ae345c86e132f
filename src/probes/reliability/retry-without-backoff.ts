import type { SourceFile } from '../../repo/view.js';
import { calleeName, findNodes, isFunctionLike, lineOf, methodName, ts, walkNodes, nodesOfKinds } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Calls that pause between attempts, however a codebase spells them. */
const DELAY = /^(?:setTimeout|\w*[Ss]leep\w*|\w*[Dd]elay\w*|wait|waitFor\w*|\w*[Bb]ackoff\w*|pause)$/;
/** Names that count attempts or bound time: what a cap compares against. */
const COUNTER = /attempt|retr|tries|count|max|limit|deadline|remaining|left|Date\.now/i;
/** Helpers that throw on the caller's behalf: `throwWithCause(err)`, `fail(err)`. */
const GIVE_UP = /^(?:throw\w*|fail\w*|abort|bail|giveUp|reject)$/;
const COMPARISON = new Set([ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken]);

export default defineProbe({
  meta: {
    id: 'retry-without-backoff',
    title: 'Retry loop without a cap or a delay',
    category: 'Reliability',
    severity: 'HIGH',
    phase: 8,
    agent: 'reliability-auditor',
    cwe: 'CWE-834',
    confidence: 'medium',
    description: 'A hand-written retry (a loop or a self-call from a catch block) around an awaited call has no attempt limit or no delay between attempts.',
    impact: 'When the dependency is down, the retry spins forever or hammers it in a tight loop, burning CPU and turning a partial outage into a full one.',
    remediation: 'Bound the attempts and wait with exponential backoff and jitter between them, or use a retry library (p-retry, async-retry) configured that way.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(['catch']).length > 0,
  detect(ctx) {
    return ctx.scripts(['catch']).flatMap((file) => {
      const sf = ctx.ast(file);
      const hits: Hit[] = [];
      for (const node of nodesOfKinds(sf, [ts.SyntaxKind.WhileStatement, ts.SyntaxKind.DoStatement, ts.SyntaxKind.ForStatement, ts.SyntaxKind.CatchClause])) {
        if (ts.isWhileStatement(node) || ts.isDoStatement(node) || ts.isForStatement(node)) hits.push(...loopRetry(file, node));
        if (ts.isCatchClause(node)) hits.push(...recursiveRetry(file, node));
      }
      return hits;
    });
  },
});

function loopRetry(file: SourceFile, loop: ts.WhileStatement | ts.DoStatement | ts.ForStatement): Hit[] {
  const attempt = ownNodes(loop.statement).find((n): n is ts.TryStatement => ts.isTryStatement(n) && hasAwait(n.tryBlock) && !!n.catchClause);
  if (!attempt || alwaysExits(attempt.catchClause!.block)) return [];
  const condition = ts.isForStatement(loop) ? loop.condition : loop.expression;
  // Success leaves the loop straight from the try block (not `if (!job) break`, which is a worker loop running dry).
  // `if (res.ok) return;` as the attempt's last word is the same exit, taken only when the call worked.
  const last = attempt.tryBlock.statements.at(-1);
  const exitsOnSuccess = attempt.tryBlock.statements.some(isExit) || (!!last && ts.isIfStatement(last) && !last.elseStatement && isExit(last.thenStatement));
  const flag = condition && ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken ? condition.operand.getText() : undefined;
  const flagSet = !!flag && ownNodes(attempt.tryBlock).some((n) => ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && n.left.getText() === flag);
  const counters = counterNames(loop);
  const counted = (expr: ts.Node): boolean => COUNTER.test(expr.getText()) || findNodes(expr, ts.isIdentifier).concat(ts.isIdentifier(expr) ? [expr] : []).some((id) => counters.has(id.text));
  if (ts.isForStatement(loop)) {
    const continues = ownNodes(attempt.catchClause!.block).some((n) => ts.isContinueStatement(n));
    if (!exitsOnSuccess && !continues) return [];
    // A loop variable used inside the attempt means each pass does different work (pages, mirrors), not a retry.
    const index = loop.initializer?.getText().match(/(\w+)\s*=/)?.[1];
    if (index && findNodes(attempt.tryBlock, ts.isIdentifier).some((id) => id.text === index)) return [];
  } else if (!flagSet && !(exitsOnSuccess && (isForever(condition) || counted(condition!)))) return [];

  const capped = (!!condition && !flag && !isForever(condition) && counted(condition)) || hasCap(loop.statement, attempt.tryBlock, counted);
  const delayed = hasDelay(loop.statement);
  if (capped && delayed) return [];
  const missing = !capped && !delayed ? 'neither an attempt limit nor a delay' : capped ? 'no delay between attempts' : 'no attempt limit';
  // A bounded burst of retries is a smaller problem than an endless one.
  return [{ file, line: lineOf(loop), message: `Retry loop has ${missing}.`, severity: capped ? 'MEDIUM' : 'HIGH' }];
}

const isExit = (s: ts.Statement): boolean => (ts.isBlock(s) ? s.statements.length === 1 && isExit(s.statements[0]!) : ts.isReturnStatement(s) || (ts.isBreakStatement(s) && !s.label));
/** Identifiers stepped inside the loop (`attempt++`, `retries -= 1`): what a cap would count. */
function counterNames(loop: ts.IterationStatement): Set<string> {
  const names = new Set<string>();
  const stepped = (n: ts.Node): n is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression =>
    (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken);
  walkNodes(loop, (n) => {
    if (stepped(n) && ts.isIdentifier(n.operand)) names.add(n.operand.text);
    if (ts.isBinaryExpression(n) && [ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken].includes(n.operatorToken.kind) && ts.isIdentifier(n.left)) names.add(n.left.text);
  });
  return names;
}

/** `catch (e) { return callApi(url) }` inside `callApi`: an unbounded retry unless an attempt count is threaded through. */
function recursiveRetry(file: SourceFile, clause: ts.CatchClause): Hit[] {
  const tryStatement = clause.parent;
  if (!ts.isTryStatement(tryStatement) || !hasAwait(tryStatement.tryBlock)) return [];
  let fn: ts.Node | undefined = tryStatement.parent;
  while (fn && !isFunctionLike(fn)) fn = fn.parent;
  if (!fn || !isFunctionLike(fn)) return [];
  const name = functionName(fn);
  if (!name) return [];
  const self = ownNodes(clause.block).find((n): n is ts.CallExpression => ts.isCallExpression(n) && (calleeName(n) === name || calleeName(n) === `this.${name}`));
  if (!self) return [];
  // The attempt count threaded through the self-call: a parameter named like one, or the one passed `n + 1`.
  const stepped = self.arguments.findIndex((a) => /[-+]\s*1\b|--|\+\+/.test(a.getText()));
  const counter = (stepped >= 0 ? fn.parameters[stepped] : undefined) ?? fn.parameters.find((p) => COUNTER.test(p.name.getText()));
  if (counter && ts.isIdentifier(counter.name) && fn.body) {
    // Counting is not capping: the count has to be compared (`if (attempt >= 3) throw`, `retries > 0 ? … : …`) somewhere.
    const counterName = counter.name.text;
    const mentions = (n: ts.Node): boolean => (ts.isIdentifier(n) && n.text === counterName) || findNodes(n, ts.isIdentifier).some((id) => id.text === counterName);
    const compared = ownNodes(fn.body).some(
      (n) =>
        (ts.isBinaryExpression(n) && (COMPARISON.has(n.operatorToken.kind) || n.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken || n.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsToken) && (mentions(n.left) || mentions(n.right))) ||
        (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken && mentions(n.operand)) ||
        ((ts.isIfStatement(n) || ts.isConditionalExpression(n) || ts.isWhileStatement(n)) && ts.isIdentifier(ts.isConditionalExpression(n) ? n.condition : n.expression) && mentions(ts.isConditionalExpression(n) ? n.condition : n.expression)),
    );
    if (compared || hasCap(clause.block, undefined, (expr) => COUNTER.test(expr.getText()))) return [];
    const delayed = hasDelay(clause.block);
    return [{ file, line: lineOf(self), message: `${name}() retries itself from its catch block and counts attempts in ${counterName}, but never stops at a limit${delayed ? '' : ', and waits for nothing'}.` }];
  }
  if (hasCap(clause.block, undefined, (expr) => COUNTER.test(expr.getText()))) return [];
  const delayed = hasDelay(clause.block);
  return [{ file, line: lineOf(self), message: `${name}() retries itself from its catch block with no attempt limit${delayed ? '' : ' and no delay'}.` }];
}

function functionName(fn: ts.FunctionLikeDeclaration): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

/** Nodes of `root` that run in the same function (nested functions are someone else's control flow). */
function ownNodes(root: ts.Node): ts.Node[] {
  const found: ts.Node[] = [root];
  walkNodes(root, (node) => {
    if (isFunctionLike(node)) return false;
    found.push(node);
    return undefined;
  });
  return found;
}

function hasAwait(block: ts.Node): boolean {
  return ownNodes(block).some((n) => ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier));
}

function isForever(condition: ts.Expression | undefined): boolean {
  return !condition || condition.kind === ts.SyntaxKind.TrueKeyword || (ts.isNumericLiteral(condition) && condition.text === '1');
}

/** A catch whose last word is throw/return/break gives up at once: no retry. */
function alwaysExits(block: ts.Block): boolean {
  const last = block.statements.at(-1);
  return !!last && (ts.isThrowStatement(last) || ts.isReturnStatement(last) || ts.isBreakStatement(last));
}

/** An `if (attempt >= max) throw/return/break` in the retry, outside the attempt itself (a throw there only reaches the catch). */
function hasCap(root: ts.Node, attempt: ts.Node | undefined, counted: (expr: ts.Node) => boolean): boolean {
  const inAttempt = attempt ? new Set(ownNodes(attempt)) : new Set<ts.Node>();
  return ownNodes(root).some((n) => {
    if (!ts.isIfStatement(n) || inAttempt.has(n)) return false;
    const compares = findNodes(n.expression, ts.isBinaryExpression).concat(ts.isBinaryExpression(n.expression) ? [n.expression] : []);
    // `attempt >= max`, `!retriesLeft`, `isLastAttempt || …`: a comparison with a counter, or a flag named like one.
    const bounded = compares.some((b) => COMPARISON.has(b.operatorToken.kind) && counted(b)) || COUNTER.test(n.expression.getText());
    return bounded && ownNodes(n.thenStatement).some((s) => ts.isThrowStatement(s) || ts.isReturnStatement(s) || ts.isBreakStatement(s) || (ts.isCallExpression(s) && GIVE_UP.test(calleeName(s))));
  });
}

/** Delays are often wrapped (`await new Promise(r => setTimeout(r, ms))`), so nested functions count here. */
function hasDelay(root: ts.Node): boolean {
  return findNodes(root, ts.isCallExpression).some((call) => DELAY.test(methodName(call) ?? ''));
}
