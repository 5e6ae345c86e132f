import { calleeName, findNodes, lineOf, stringValue, ts, nodesOfKinds } from '../support/ast.js';
import { requestFlow } from '../support/request-flow.js';
import { defineProbe, type Hit } from '../types.js';

// A Nest pipe checks a value's type, not its length or shape as a pattern: a piped string still reaches the regex.
const PIPED = { piped: true };
const PASS = /^(?:String|decodeURIComponent|decodeURI)$|\.(?:toString|trim|toLowerCase|toUpperCase)$/;
/** Characters to compare what two pieces of a pattern can match. */
const SAMPLE = ['a', 'Z', '5', '_', '-', '.', ' ', '\t', '\n', '@', '/', ',', ':', '<', '"', 'é'];

type Part = { src: string; body?: Part[][]; min: number; max: number; width: boolean };
type Matching = { flags: string; sample: string[] };

export default defineProbe({
  meta: {
    id: 'regex-dos',
    title: 'Regular expression that request data can make run for ever',
    category: 'Security',
    severity: 'MEDIUM',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-1333',
    confidence: 'medium',
    description: 'Request data is compiled into a RegExp, or tested against a regex with nested quantifiers or overlapping alternatives (`/^(a+)+$/`, `(\\w+\\s?)*$`).',
    impact: 'One request with a crafted string makes the regex backtrack exponentially, blocking the Node.js event loop and so every other request (denial of service).',
    remediation: 'Escape request data before building a pattern (`_.escapeRegExp`, escape-string-regexp) or match it literally; rewrite ambiguous patterns without nested repetition, bound the input length first, or use RE2.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.isServer(),
  detect(ctx) {
    return ctx.scripts(['RegExp', 'test(', 'exec(', 'match(', 'replace', 'split(', 'search(', '$regex']).filter((file) => !ctx.isFrontEnd(file)).flatMap((file) => {
      const sf = ctx.ast(file);
      const hits: Hit[] = [];
      for (const node of nodesOfKinds(sf, [ts.SyntaxKind.NewExpression, ts.SyntaxKind.CallExpression, ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.RegularExpressionLiteral])) {
        const args = (ts.isNewExpression(node) || ts.isCallExpression(node)) && calleeName(node) === 'RegExp' ? (node.arguments ?? []) : undefined;
        // `{ $regex: q }`: MongoDB runs the pattern, so the database backtracks instead of the event loop.
        const pattern = args ? args[0] : ts.isPropertyAssignment(node) && /^['"]?\$regex['"]?$/.test(node.name.getText()) ? node.initializer : undefined;
        const constant = pattern && stringValue(pattern);
        if (pattern && constant === undefined && !ts.isRegularExpressionLiteral(pattern) && requestFlow(pattern, PASS, undefined, PIPED)?.carries(pattern)) {
          const where = args ? 'compiled into a regular expression' : 'used as a MongoDB `$regex`';
          hits.push({ file, line: lineOf(node), severity: 'HIGH', message: `Request data is ${where}: a pattern such as \`(a+)+$\` backtracks for ever and ties up the ${args ? 'event loop' : 'database'}.` });
        }
        const literal = ts.isRegularExpressionLiteral(node) ? node.text : args && constant !== undefined ? `/${constant}/${stringValue(args[1]) ?? ''}` : undefined;
        const source = literal?.slice(1, literal.lastIndexOf('/')) ?? '';
        const flaw = literal && catastrophic(parse(source), { flags: literal.slice(literal.lastIndexOf('/') + 1).replace(/[gyduv]/g, ''), sample: [...new Set([...SAMPLE, ...source])] }, false);
        for (const subject of flaw ? subjectsOf(node, sf) : []) {
          if (requestFlow(subject, PASS, undefined, PIPED)?.carries(subject)) hits.push({ file, line: lineOf(subject), message: `Request data is matched against ${literal}, whose ${flaw} can backtrack exponentially on a crafted string and block the event loop.` });
        }
      }
      return hits;
    });
  },
});

/** What a regex (or the constant it is stored in) is applied to: `re.test(x)`, `re.exec(x)`, `x.match(re)`, `x.replace(re, …)`. */
function subjectsOf(regex: ts.Node, sf: ts.SourceFile): ts.Expression[] {
  const declared = ts.isVariableDeclaration(regex.parent) && ts.isIdentifier(regex.parent.name) ? regex.parent.name : undefined;
  const uses = [regex, ...(declared ? findNodes(sf, (n): n is ts.Identifier => ts.isIdentifier(n) && n.text === declared.text && n !== declared) : [])];
  return uses.flatMap((use) => {
    const up = use.parent;
    if (ts.isPropertyAccessExpression(up) && /^(?:test|exec)$/.test(up.name.text) && ts.isCallExpression(up.parent) && up.parent.arguments[0]) return [up.parent.arguments[0]];
    const string = ts.isCallExpression(up) && up.arguments[0] === use && ts.isPropertyAccessExpression(up.expression) && /^(?:match|matchAll|replace|replaceAll|split|search)$/.test(up.expression.name.text);
    return string ? [(up.expression as ts.PropertyAccessExpression).expression] : [];
  });
}

/** A regex source as alternatives of parts: atoms, classes, escapes, anchors, groups, each with its repetition bounds. */
function parse(src: string, pos = { i: 0 }): Part[][] {
  const alternatives: Part[][] = [[]];
  while (pos.i < src.length) {
    const start = pos.i, rest = src.slice(start);
    if (rest[0] === ')' || rest[0] === '|') {
      pos.i++;
      if (rest[0] === ')') break;
      alternatives.push([]);
      continue;
    }
    const head = /^\((?:\?(?:<?[=!]|:|<[\w$]+>))?/.exec(rest)?.[0];
    const token = head ?? /^(?:\[(?:\\.|[^\]\\])*\]|\\(?:u\{[\da-fA-F]+\}|u[\da-fA-F]{4}|x[\da-fA-F]{2}|c[A-Za-z]|[pPk][{<][^}>]*[}>]|\d+|[\s\S])|[\s\S])/.exec(rest)![0];
    pos.i += token.length;
    const body = head === undefined ? undefined : parse(src, pos);
    const part: Part = { src: src.slice(start, pos.i), body, min: 1, max: 1, width: head ? !/[=!]/.test(head) : !/^(?:[\^$]|\\[bB])$/.test(token) };
    const q = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(src.slice(pos.i));
    if (q) {
      pos.i += q[0].length;
      part.min = q[1] === '+' ? 1 : q[1] ? 0 : Number(q[2]);
      part.max = q[1] === '?' ? 1 : q[1] || q[4] === '' ? Infinity : Number(q[4] ?? q[2]);
    }
    alternatives.at(-1)!.push(part);
  }
  return alternatives;
}

/** Sample characters (common ones and the pattern's own) a part matches, tried one at a time against the part alone. */
function chars(part: Part, how: Matching): string[] {
  if (!part.width) return [];
  if (part.body) return [...new Set(part.body.flat().flatMap((p) => chars(p, how)))];
  try {
    const re = new RegExp(`^(?:${part.src})$`, how.flags);
    return how.sample.filter((c) => re.test(c));
  } catch {
    return [];
  }
}

const repeats = (p: Part): boolean => p.max === Infinity || !!p.body?.some((alt) => alt.some(repeats));
const overlap = (a: string[], b: string[]): boolean => a.some((c) => b.includes(c));
/** Something after that can fail: only then does the engine backtrack through every way of splitting the input. */
const canFail = (p: Part): boolean => p.min > 0 && (p.width || /^(?:\$|\\[bB])$/.test(p.src));

/**
 * A repeated group whose body can match one stretch of text in many ways: a repeated piece whose other mandatory
 * pieces it can also match (`(a+)+`, `(\w+\s?)*`), or alternatives that match a common character (`(\d|\w)+`).
 */
function catastrophic(alternatives: Part[][], how: Matching, failsAfter: boolean): string | undefined {
  for (const alt of alternatives) {
    for (const [index, part] of alt.entries()) {
      if (!part.body) continue;
      const after = failsAfter || alt.slice(index + 1).some(canFail);
      if (part.max === Infinity && part.width && after) {
        for (const inner of part.body.flatMap((a) => a.map((p) => ({ p, a })))) {
          const set = chars(inner.p, how);
          if (repeats(inner.p) && set.length > 0 && inner.a.every((o) => o === inner.p || !canFail(o) || overlap(chars(o, how), set))) return 'nested quantifier';
        }
        const singles = part.body.filter((a) => a.length === 1 && !a[0]!.body).map((a) => chars(a[0]!, how));
        if (singles.some((a, i) => singles.slice(i + 1).some((b) => overlap(a, b)))) return 'overlapping alternatives';
      }
      const found = catastrophic(part.body, how, after);
      if (found) return found;
    }
  }
  return undefined;
}
