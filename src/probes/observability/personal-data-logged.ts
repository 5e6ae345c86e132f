import { findNodes, lineOf, ts } from '../support/ast.js';
import { isLogCall } from '../support/error-handlers.js';
import { defineProbe, type Hit } from '../types.js';

/** The whole request payload: whatever the client sent, passwords and card numbers included. */
const REQUEST_DUMP = /^(?:req|request|ctx\.request|ctx|c\.req)\.(?:body|headers|cookies)$|^(?:await\s+)?(?:req|request)\.(?:json|formData)\(\)$/;
/** Credentials and payment data: never log them, whatever else is around. */
const SECRET = /^(?:password|passwd|newPassword|currentPassword|secret|clientSecret|token|accessToken|refreshToken|idToken|apiKey|api_key|authorization|cookie|cardNumber|card_number|cvc|cvv|ssn|iban)$/i;
/** A person to reach, and what is being said to them: together they are someone's correspondence. */
const RECIPIENT = /^(?:to|email|recipient|recipients|to_address|toAddress|phone|phoneNumber|phone_number|mobile|msisdn)$/i;
const CONTENT = /^(?:html|text|body|content|message|textBody|htmlBody)$/i;

export default defineProbe({
  meta: {
    id: 'personal-data-logged',
    title: 'Request body, credentials or message content written to logs',
    category: 'Observability',
    severity: 'MEDIUM',
    phase: 7,
    agent: 'ops-auditor',
    cwe: 'CWE-532',
    confidence: 'medium',
    description: 'A log call writes a whole request body or headers, a credential field (password, token, card number), or a message together with its recipient (email html or text and the address).',
    impact: 'Logs are kept long, copied to third-party services and read by many people: passwords, tokens and people’s correspondence end up there, a breach and a GDPR erasure problem waiting to happen.',
    remediation: 'Log identifiers and sizes instead (`{ userId, templateId, bytes }`), pick the safe fields of a body explicitly, and configure the logger’s redaction (pino `redact`, winston formats) for the paths that must never appear.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(['log']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts(['log'])) {
      if (ctx.isFrontEnd(file)) continue;
      for (const call of ctx.calls(file)) {
        if (!isLogCall(call)) continue;
        const why = leak(call);
        if (why) hits.push({ file, line: lineOf(call), message: `This log line writes ${why}.` });
      }
    }
    return hits;
  },
});

function leak(call: ts.CallExpression): string | undefined {
  for (const arg of call.arguments) {
    if (REQUEST_DUMP.test(arg.getText())) return `the whole ${arg.getText()}`;
    const objects = findNodes(arg, ts.isObjectLiteralExpression).concat(ts.isObjectLiteralExpression(arg) ? [arg] : []);
    for (const obj of objects) {
      const keys: string[] = [];
      for (const prop of obj.properties) {
        if (!ts.isPropertyAssignment(prop) && !ts.isShorthandPropertyAssignment(prop)) continue;
        const key = prop.name.getText().replace(/['"]/g, '');
        const value = ts.isPropertyAssignment(prop) ? prop.initializer : prop.name;
        if (REQUEST_DUMP.test(value.getText())) return `the whole ${value.getText()}`;
        // `{ password: '[redacted]' }` or `{ token: Boolean(token) }` are already safe.
        if (SECRET.test(key) && !ts.isStringLiteralLike(value) && !ts.isCallExpression(value) && !ts.isPrefixUnaryExpression(value)) return `a ${key}`;
        keys.push(key);
      }
      const content = keys.find((k) => CONTENT.test(k));
      if (content && keys.some((k) => RECIPIENT.test(k))) return `a message’s ${content} together with its recipient`;
    }
  }
  const values = valueNames(call);
  const content = values.find((name) => CONTENT.test(name));
  if (content && values.some((name) => RECIPIENT.test(name))) return `a message’s ${content} together with its recipient`;
  return undefined;
}

/**
 * Names of the values a log call prints as they are: `console.log('sending sms', to, text)`,
 * `` log(`[sms] -> ${to}: ${body}`) ``, `log(msg.to, msg.html)`. Calls and expressions are left out:
 * `to.length` or `hash(body)` print nothing personal.
 */
function valueNames(call: ts.CallExpression): string[] {
  const printed = call.arguments.flatMap((arg) => (ts.isTemplateExpression(arg) ? arg.templateSpans.map((span) => span.expression) : [arg]));
  return printed.flatMap((value) => {
    if (ts.isIdentifier(value)) return [value.text];
    if (ts.isPropertyAccessExpression(value)) return [value.name.text];
    return [];
  });
}
