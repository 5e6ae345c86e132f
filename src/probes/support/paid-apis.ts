import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, enclosingFunction, findNodes, isFunctionLike, propertyOf, stringValue, topLevelDeclarations, ts } from './ast.js';
import { sourcesOf } from './request-flow.js';
import { projectModule, relativeImports } from './imports.js';

/** Calls that cost money per request, by callee name, with the provider they bill. */
const PAID_CALLS: readonly [RegExp, string][] = [
  // Mailgun's `mg.messages.create(domain, data)` shares Anthropic's and Twilio's method name: matched first.
  [/^(?:mg|\w*mailgun\w*)\.messages\.create$/i, 'Mailgun'],
  [/^\w*(?:vonage|nexmo)\w*\.(?:sms\.send|messages\.send|message\.sendSms|verify2?\.(?:start|newRequest))$/i, 'Vonage'],
  [/^\w*postmark\w*\.(?:sendEmail|sendEmailWithTemplate|sendEmailBatch)$/i, 'Postmark'],
  [/\.chat\.completions\.create$|\.responses\.create$|\.embeddings\.create$|\.images\.(?:generate|edit|createVariation)$|\.audio\.\w+\.create$/, 'OpenAI'],
  [/\.messages\.create$/, 'Anthropic or Twilio'],
  [/(?:^|\.)generateContent$/, 'Gemini'],
  [/^\w*replicate\w*\.run$/i, 'Replicate'],
  [/^\w*resend\w*\.emails\.send$/i, 'Resend'],
  [/^\w*(?:sgMail|sendgrid|sg)\w*\.(?:send|sendMultiple)$/i, 'SendGrid'],
];
/** The Vercel AI SDK's top-level calls (imported from 'ai'). */
const AI_SDK_CALLS = new Set(['generateText', 'generateObject', 'streamText', 'streamObject', 'generateImage', 'embed', 'embedMany']);

/**
 * The paid provider a call bills, or undefined. `aiSdk` says whether the file imports the AI SDK,
 * whose calls are bare function names.
 */
export function paidProvider(call: ts.CallExpression, aiSdk: boolean): string | undefined {
  const name = calleeName(call);
  if (aiSdk && ts.isIdentifier(call.expression) && AI_SDK_CALLS.has(name)) return 'AI SDK';
  const found = PAID_CALLS.find(([pattern]) => pattern.test(name));
  if (!found || /prisma|\bdb\b|repo|model\b/i.test(name.split('.').slice(0, -2).join('.'))) return undefined;
  const params = call.arguments[0];
  if (params && ts.isObjectLiteralExpression(params)) {
    if (propertyOf(params, 'data')) return undefined; // an ORM create
    // `client.messages.create` is Anthropic when it names a model, Twilio when it names a recipient.
    if (found[1].startsWith('Anthropic')) return propertyOf(params, 'model') ? 'Anthropic' : propertyOf(params, 'to') ? 'Twilio' : undefined;
  } else if (found[1].startsWith('Anthropic') && !/anthropic|claude|twilio/i.test(name)) return undefined;
  return found[1];
}

/** Hosts of APIs billed per request, for code that calls them over plain HTTP instead of an SDK. */
const PAID_HOSTS: readonly [RegExp, string][] = [
  [/\b(?:maps|places|routes|roads|addressvalidation)\.googleapis\.com\b/, 'Google Maps Platform'],
  [/\bapi\.mapbox\.com\b/, 'Mapbox'],
  [/\bapi\.openai\.com\b/, 'OpenAI'],
  [/\bapi\.anthropic\.com\b/, 'Anthropic'],
  [/\bgenerativelanguage\.googleapis\.com\b/, 'Gemini'],
  [/\bapi\.twilio\.com\b/, 'Twilio'],
  [/\b(?:rest|api)\.nexmo\.com\b|\bapi\.nexmo\.com\b|\bapi\.vonage\.com\b/, 'Vonage'],
  [/\bapi\.sendgrid\.com\b/, 'SendGrid'],
  [/\bapi\.(?:eu\.)?mailgun\.net\b/, 'Mailgun'],
  [/\bapi\.postmarkapp\.com\b/, 'Postmark'],
  [/\bapi\.resend\.com\b/, 'Resend'],
];
/** HTTP clients whose first argument is the URL: fetch, got, ky, axios and undici. */
const HTTP_CALL = /^(?:fetch|got|ky|axios|request)$|^(?:got|ky|axios|undici|superagent|needle)\.(?:get|post|put|patch|request|fetch)$/;

/**
 * The paid API an HTTP call reaches, read from its URL: a literal, a template, or a local or top-level
 * constant it was built in (`const url = \`https://maps.googleapis.com/...\``; `fetch(url)`).
 */
export function paidHttpProvider(call: ts.CallExpression): string | undefined {
  const url = call.arguments[0];
  if (!url || !HTTP_CALL.test(calleeName(call))) return undefined;
  const text = urlTexts(url, enclosingFunction(call) ?? call.getSourceFile()).join('\n');
  return PAID_HOSTS.find(([host]) => host.test(text))?.[1];
}

/** The URL expression's text plus what the names in it were assigned, one step back (in the function, else the file). */
function urlTexts(url: ts.Expression, scope: ts.Node): string[] {
  const names = ts.isIdentifier(url) ? [url] : findNodes(url, ts.isIdentifier);
  const file = url.getSourceFile();
  const assigned = names.flatMap((name) => {
    const local = sourcesOf(name.text, scope);
    return local.length > 0 ? local : sourcesOf(name.text, file).filter((node) => ts.isVariableDeclaration(node.parent) && node.parent.parent.parent.parent === file);
  });
  const objectUrl = ts.isObjectLiteralExpression(url) ? [stringValue(propertyOf(url, 'url')) ?? ''] : [];
  return [url.getText(), ...objectUrl, ...assigned.map((node) => node.getText())];
}

/** A named top-level function that makes a paid call itself: `async function sendSms(to, text) { ... twilio ... }`. */
export interface PaidHelper {
  readonly name: string;
  readonly file: SourceFile;
  readonly fn: ts.FunctionLikeDeclaration;
  /** The paid call inside it. */
  readonly call: ts.CallExpression;
  readonly provider: string;
}

const helperCache = new WeakMap<SourceFile, ReadonlyMap<string, PaidHelper>>();

/** The file's top-level functions that call a paid SDK or paid HTTP API directly, by name. */
export function paidHelpersOf(ctx: ProbeContext, file: SourceFile): ReadonlyMap<string, PaidHelper> {
  const cached = helperCache.get(file);
  if (cached) return cached;
  const found = new Map<string, PaidHelper>();
  const sf = ctx.ast(file);
  const aiSdk = findNodes(sf, ts.isImportDeclaration).some((imp) => stringValue(imp.moduleSpecifier) === 'ai');
  for (const [name, declaration] of topLevelDeclarations(sf)) {
    const fn = ts.isFunctionDeclaration(declaration) ? declaration : declaration.initializer && isFunctionLike(declaration.initializer) ? declaration.initializer : undefined;
    if (!fn?.body) continue;
    for (const call of findNodes(fn.body, ts.isCallExpression)) {
      const provider = paidProvider(call, aiSdk) ?? paidHttpProvider(call);
      if (provider) {
        found.set(name, { name, file, fn, call, provider });
        break;
      }
    }
  }
  helperCache.set(file, found);
  return found;
}

/**
 * The paid helper a bare call runs: a top-level function of the same file, or one imported by name from a
 * relative module (`import { sendSms } from '../lib/sms.js'`, `const { sendSms } = require('../services')`).
 */
export function paidHelperCalled(ctx: ProbeContext, file: SourceFile, call: ts.CallExpression): PaidHelper | undefined {
  if (!ts.isIdentifier(call.expression)) return undefined;
  const name = call.expression.text;
  const local = paidHelpersOf(ctx, file).get(name);
  if (local) return local;
  for (const [specifier, bound] of relativeImports(ctx.ast(file))) {
    const exported = bound.named.get(name);
    const home = exported === undefined ? undefined : projectModule(ctx, file.path, specifier);
    if (home) return paidHelpersOf(ctx, home).get(exported!);
  }
  return undefined;
}

