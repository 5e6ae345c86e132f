import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, lineOf, propertyOf, ts } from '../support/ast.js';
import { isBrowserCode } from '../support/browser.js';
import { componentScript } from '../support/components.js';
import { defineProbe, type Hit } from '../types.js';

/** Hosts of APIs billed per token, per message or per prediction, reached with a secret key. */
const PAID_HOSTS: readonly [RegExp, string][] = [
  [/^api\.openai\.com$/, 'OpenAI'],
  [/^api\.anthropic\.com$/, 'Anthropic'],
  [/^generativelanguage\.googleapis\.com$/, 'Gemini'],
  [/^api\.mistral\.ai$/, 'Mistral'],
  [/^api\.groq\.com$/, 'Groq'],
  [/^api\.cohere\.(?:ai|com)$/, 'Cohere'],
  [/^api\.replicate\.com$/, 'Replicate'],
  [/^api\.elevenlabs\.io$/, 'ElevenLabs'],
  [/^api\.twilio\.com$/, 'Twilio'],
  [/^api\.sendgrid\.com$/, 'SendGrid'],
  [/^api\.resend\.com$/, 'Resend'],
];
const NEEDLES = [...['openai.com', 'anthropic.com', 'generativelanguage', 'mistral.ai', 'groq.com', 'cohere.', 'replicate.com', 'elevenlabs.io', 'twilio.com', 'sendgrid.com', 'resend.com'], 'dangerouslyAllowBrowser'];

export default defineProbe({
  meta: {
    id: 'paid-api-called-from-browser',
    title: 'Paid API called straight from the browser',
    category: 'Cost Control',
    severity: 'HIGH',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'high',
    description: 'Browser code (a client module, a React, Vue or Svelte component) sends requests to a paid AI, SMS or email API (OpenAI, Anthropic, Gemini, Mistral, Replicate, Twilio, SendGrid, Resend…) itself, or builds its SDK with `dangerouslyAllowBrowser: true`.',
    impact: 'The provider key ships to every visitor: anyone can copy it and spend on the account without limit, and no server stands between users and the bill to cap, cache or rate-limit the calls.',
    remediation: 'Call the provider from your own backend route that holds the key, authenticates the user and applies a per-user rate limit or quota; the browser calls that route.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => browserSources(ctx).length > 0,
  detect: (ctx) => browserSources(ctx).flatMap(({ script, reportAs }) => checkFile(ctx, script, reportAs)),
});

/** Client scripts and component script blocks that mention a paid host; `reportAs` is the file the hit names. */
function browserSources(ctx: ProbeContext): { script: SourceFile; reportAs: SourceFile }[] {
  const scripts = ctx.scripts(NEEDLES).filter((file) => isBrowserCode(ctx, file)).map((file) => ({ script: file, reportAs: file }));
  const components = ctx.components(NEEDLES).flatMap((component) => {
    const script = componentScript(component);
    return script ? [{ script, reportAs: component }] : [];
  });
  return [...scripts, ...components];
}

function checkFile(ctx: ProbeContext, file: SourceFile, reportAs: SourceFile): Hit[] {
  const hits: Hit[] = [];
  for (const call of ctx.calls(file)) {
    const provider = paidHost(call.arguments[0]);
    if (provider) hits.push({ file: reportAs, line: lineOf(call), message: `${calleeName(call)}(…) calls ${provider} from the browser: the key travels with the page and nothing limits what a visitor spends.` });
  }
  for (const created of findNodes(ctx.ast(file), ts.isNewExpression)) {
    const options = created.arguments?.[0];
    const allowed = options && ts.isObjectLiteralExpression(options) ? propertyOf(options, 'dangerouslyAllowBrowser') : undefined;
    if (allowed && allowed.kind === ts.SyntaxKind.TrueKeyword) hits.push({ file: reportAs, line: lineOf(created), message: `new ${calleeName(created)}({ dangerouslyAllowBrowser: true }) runs the paid SDK in the browser with its key.` });
  }
  return hits;
}

/** The provider whose host a URL argument (string or template literal) names. */
function paidHost(url: ts.Expression | undefined): string | undefined {
  if (!url) return undefined;
  const text = ts.isStringLiteralLike(url) ? url.text : ts.isTemplateExpression(url) ? url.head.text : undefined;
  const host = text && /^https:\/\/([^/:?#]+)/.exec(text)?.[1]?.toLowerCase();
  return host ? PAID_HOSTS.find(([pattern]) => pattern.test(host))?.[1] : undefined;
}
