import { calleeName, propertyOf, ts } from './ast.js';

/** Calls that cost money per request, by callee name, with the provider they bill. */
const PAID_CALLS: readonly [RegExp, string][] = [
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
