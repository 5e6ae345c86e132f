import { enclosingFunction, findNodes, isFunctionLike, lineOf, propertyOf, stringValue, ts, walkNodes, nodesOfKinds } from '../support/ast.js';
import { TaintScope } from '../support/taint.js';
import { defineProbe, type Hit } from '../types.js';

const FAST_HASHES = /^(?:md4|md5|sha1|sha-1|sha224|sha256|sha-256|sha384|sha512|sha-512|ripemd160)$/i;
/** `md5(password)`, `sha256(pw)`, `CryptoJS.SHA256(password)`: hash libraries called directly. */
const HASH_FUNCTION = /(?:^|\.)(?:md5|sha1|sha256|sha512|MD5|SHA1|SHA256|SHA512)$/;
/** A name that holds a password itself (`password`, `newPassword`, `body.pwd`), not a reset token or a hash of one. */
const PASSWORD_NAME = /^(?:\w*_)?(?:(?:plain|raw|new|old|current|confirm|user|account|admin)_?)?(?:password|passwd|passphrase|pwd|pass)$/i;
/** A data store of users: `prisma.user`, `User`, `usersRepository`, `db.insert(users)`, `knex('users')`; not a `usersService` that may hash. */
const USER_STORE = /^(?:[\w.]*\.)?(?:user|account|member|customer|admin)s?$|(?:user|account|member|customer|admin)s?(?:Model|Repo|Repository)$|\(\s*['"]?(?:user|account|member|customer|admin)s?['"]?\s*\)$/i;
const WRITE_METHODS = new Set(['create', 'createMany', 'insert', 'insertOne', 'insertMany', 'save', 'build', 'upsert', 'update', 'updateOne', 'values', 'set']);
/** Pre-hashing before bcrypt (its 72-byte limit) and upgrading legacy digests on login are sound. */
const SLOW_KDF = /\b(?:bcrypt|argon2|scrypt|pbkdf2)/i;
/** A hashing step on the way: bcrypt, argon2, scrypt, pbkdf2 or a project helper named after one. */
const STRONG_HASH = /\b(?:bcrypt\w*|argon2\w*|scrypt\w*|pbkdf2\w*|hash\w*|\w*Hash\w*|encrypt\w*|crypt)\s*[.(]/;
const ENTITY = /(user|account|member|customer|admin)s?/gi;
const PLAIN = 'The password from the request is written to the user record as received, with no hashing step.';
/** Model hooks that hash the password before it is written (Mongoose pre('save'), TypeORM @BeforeInsert, Sequelize beforeCreate). */
const HASH_HOOK = /pre\(\s*['"](?:save|validate|insertMany|findOneAndUpdate|updateOne)['"]|@BeforeInsert|@BeforeUpdate|beforeCreate|beforeSave|beforeUpdate|beforeBulkCreate|\$extends\(|\$use\(/;

export default defineProbe({
  meta: {
    id: 'weak-password-hashing',
    title: 'Passwords hashed weakly or stored in plain text',
    category: 'Security',
    severity: 'HIGH',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-916',
    confidence: 'medium',
    description: 'A password is hashed with a fast digest (MD5, SHA-1, SHA-256...), hashed with bcrypt at a cost below 10, or written to a user record as received.',
    impact: 'When the database leaks, fast or absent hashing lets attackers recover most passwords within hours and reuse them on other sites.',
    remediation: 'Hash passwords with argon2id, scrypt or bcrypt (cost 12 or more) with a per-user salt, and re-hash existing passwords on next login.',
    effort: 'days',
  },
  applies: (ctx) => ctx.scripts([/pass(?:word|wd)?|pwd/i]).length > 0,
  detect(ctx) {
    const hooked = new Set(
      ctx.scripts(['pre(', 'Before', 'before', '$extends', '$use']).filter((f) => HASH_HOOK.test(f.text) && STRONG_HASH.test(f.text)).flatMap((f) => [...f.text.matchAll(ENTITY)].map((m) => m[1]!.toLowerCase())),
    );
    return ctx.scripts([/pass(?:word|wd)?|pwd|bcrypt/i]).flatMap((file) => {
      const sf = ctx.ast(file);
      const bcrypt = /['"]bcrypt(?:js)?['"]/.test(file.text);
      const calls = nodesOfKinds<ts.CallExpression | ts.NewExpression>(sf, [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression]);
      return calls.flatMap((call): Hit[] => {
        const at = { file, line: lineOf(call) };
        if (ts.isNewExpression(call)) return plainPasswordWrite(call, hooked) ? [{ ...at, message: PLAIN }] : [];
        if (fastDigestOfPassword(call, sf)) return [{ ...at, message: 'A password is hashed with a fast digest; an attacker with the hashes tries billions of guesses per second.' }];
        const cost = bcrypt ? bcryptCost(call, sf) : undefined;
        if (cost !== undefined && cost < 10) return [{ ...at, message: `bcrypt runs with cost ${cost}; below 10 it is cheap enough to brute-force at scale.` }];
        if (plainPasswordWrite(call, hooked)) return [{ ...at, message: PLAIN }];
        return [];
      });
    });
  },
});

/** `createHash('md5').update(password)`, `h.update(password)` with `h = createHash('sha1')`, `md5(password)`. */
function fastDigestOfPassword(call: ts.CallExpression, sf: ts.SourceFile): boolean {
  const callee = call.expression;
  const arg = call.arguments[0];
  if (!arg || !mentionsPassword(arg)) return false;
  let outermost: ts.Node = call;
  for (let node: ts.Node | undefined = call.parent; node; node = node.parent) if (isFunctionLike(node)) outermost = node;
  if (outermost !== call && SLOW_KDF.test(outermost.getText())) return false;
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'update') {
    let receiver: ts.Expression = callee.expression;
    if (ts.isIdentifier(receiver)) receiver = initializerOf(receiver.text, sf) ?? receiver;
    return ts.isCallExpression(receiver) && /(?:^|\.)createHash$/.test(receiver.expression.getText()) && FAST_HASHES.test(stringValue(receiver.arguments[0]) ?? '');
  }
  return HASH_FUNCTION.test(callee.getText());
}

function mentionsPassword(node: ts.Node): boolean {
  if (ts.isIdentifier(node)) return PASSWORD_NAME.test(node.text);
  let found = false;
  walkNodes(node, (child) => {
    if (ts.isIdentifier(child) && PASSWORD_NAME.test(child.text)) found = true;
  });
  return found;
}

function initializerOf(name: string, sf: ts.SourceFile): ts.Expression | undefined {
  return findNodes(sf, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === name)?.initializer;
}

/** The work factor given to bcrypt.hash(pw, n) / hashSync / genSalt(n) / genSaltSync, when it is a known number. */
function bcryptCost(call: ts.CallExpression, sf: ts.SourceFile): number | undefined {
  const name = call.expression.getText();
  const match = /^(?:(?:bcrypt\w*|\w*Bcrypt\w*)\.)?(hash|hashSync|genSalt|genSaltSync)$/.exec(name);
  if (!match || (!name.includes('.') && !/\{[^}]*\b(?:hash|hashSync|genSalt|genSaltSync)\b[^}]*\}\s*from\s*['"]bcrypt/.test(sf.text))) return undefined;
  let arg = call.arguments[match[1]!.startsWith('hash') ? 1 : 0];
  if (arg && ts.isIdentifier(arg)) arg = initializerOf(arg.text, sf);
  return arg && ts.isNumericLiteral(arg) ? Number(arg.text) : undefined;
}

/** `prisma.user.create({ data: { password: req.body.password } })`, `new User({ email, password })` with password from the request. */
function plainPasswordWrite(call: ts.CallExpression | ts.NewExpression, hooked: ReadonlySet<string>): boolean {
  const callee = call.expression;
  const store = ts.isNewExpression(call) ? callee.getText() : ts.isPropertyAccessExpression(callee) && WRITE_METHODS.has(callee.name.text) ? callee.expression.getText() : '';
  const fn = enclosingFunction(call);
  if (!USER_STORE.test(store) || !fn) return false;
  // The model hashes in its own save hook.
  if ([...store.matchAll(ENTITY)].some((m) => hooked.has(m[1]!.toLowerCase()))) return false;
  const taint = new TaintScope(fn);
  return (call.arguments ?? []).some((arg) =>
    findNodes(arg, ts.isObjectLiteralExpression).concat(ts.isObjectLiteralExpression(arg) ? [arg] : []).some((obj) => {
      const value = propertyOf(obj, 'password') ?? propertyOf(obj, 'passwd') ?? propertyOf(obj, 'pwd');
      return value !== undefined && isPlainRequestPassword(value, fn, taint);
    }),
  );
}

/** The request's own password value: read from the request, never passed through a call on the way. */
function isPlainRequestPassword(value: ts.Expression, fn: ts.FunctionLikeDeclaration, taint: TaintScope): boolean {
  if (!taint.mentions(value) || findNodes(value, ts.isCallExpression).length > 0 || ts.isCallExpression(value) || ts.isAwaitExpression(value)) return false;
  const name = ts.isIdentifier(value) ? value.text : ts.isPropertyAccessExpression(value) ? value.name.text : '';
  if (!PASSWORD_NAME.test(name)) return false;
  if (!ts.isIdentifier(value)) return true;
  // `const password = await bcrypt.hash(req.body.password, 12)` or a later `password = hash(...)` clears it.
  const binds = (b: ts.BindingName): boolean => (ts.isIdentifier(b) ? b.text === name : b.elements.some((el) => !ts.isOmittedExpression(el) && binds(el.name)));
  const assignments = [
    ...findNodes(fn, ts.isVariableDeclaration).filter((d) => d.initializer && binds(d.name)).map((d) => d.initializer!),
    ...findNodes(fn, ts.isBinaryExpression).filter((b) => b.operatorToken.kind === ts.SyntaxKind.EqualsToken && b.left.getText() === name).map((b) => b.right),
  ];
  return !assignments.some((init) => STRONG_HASH.test(init.getText()));
}
