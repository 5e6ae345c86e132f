import { calleeName, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Calls that generate text and bill per output token. Embeddings and moderation produce no text to cap. */
const GENERATES = /(?:^|\.)(?:chat\.completions\.create|completions\.create|responses\.create|messages\.create|messages\.stream|generateContent|generateContentStream)$/;
const AI_SDK = new Set(['generateText', 'streamText', 'generateObject', 'streamObject']);
/** The output cap under each SDK's spelling (OpenAI, Anthropic, Gemini's generationConfig, the AI SDK). */
const CAPS = new Set(['max_tokens', 'max_completion_tokens', 'max_output_tokens', 'maxTokens', 'maxOutputTokens', 'max_new_tokens']);

export default defineProbe({
  meta: {
    id: 'llm-call-without-token-limit',
    title: 'LLM call sets no output token limit',
    category: 'Cost Control',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'medium',
    description: 'A chat or text-generation call to OpenAI, Anthropic, Gemini or the Vercel AI SDK passes no output cap (max_tokens, max_completion_tokens, maxOutputTokens, maxTokens).',
    impact: 'Each call may produce as many tokens as the model allows: a rambling answer or a prompt that asks for a long one costs many times the expected price, and the latency grows with it.',
    remediation: 'Pass an output cap sized to what the feature shows (`max_tokens: 300`), and budget tokens per user or per job.',
    effort: 'hours',
  },
  scope: 'file',
  applies: (ctx) => ctx.scripts(['openai', 'anthropic', 'generative-ai', '@google/genai', "'ai'", '"ai"']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts(['.create(', '.stream(', 'generateContent', 'generateText', 'streamText', 'generateObject', 'streamObject'])) {
      if (!/openai|anthropic|generative-?ai|@google\/genai|['"]ai['"]/i.test(file.text)) continue;
      for (const call of ctx.calls(file)) {
        const name = calleeName(call);
        const aiSdk = ts.isIdentifier(call.expression) && AI_SDK.has(name);
        if (!aiSdk && !GENERATES.test(name)) continue;
        const params = call.arguments[0];
        // Only a literal request shows what it asks for; a params object built elsewhere may carry the cap.
        if (!params || !ts.isObjectLiteralExpression(params) || !isGenerationRequest(params, aiSdk || /generateContent/.test(name))) continue;
        if (capped(params)) continue;
        hits.push({ file, line: lineOf(call), message: `${name}(...) sets no output token limit: every call may run to the model's maximum length and price.` });
      }
    }
    return hits;
  },
});

/** A model (Gemini and the AI SDK name it elsewhere) plus a prompt (messages, input, contents, prompt): not Twilio's `messages.create({ to, body })` or an ORM create. */
function isGenerationRequest(params: ts.ObjectLiteralExpression, modelElsewhere: boolean): boolean {
  if (propertyOf(params, 'data') || propertyOf(params, 'to')) return false;
  const prompt = ['messages', 'input', 'contents', 'prompt'].some((key) => propertyOf(params, key));
  return prompt && (modelElsewhere || propertyOf(params, 'model') !== undefined);
}

/** A cap at the top level or in Gemini's `generationConfig`/`config`; a spread may bring one in. */
function capped(params: ts.ObjectLiteralExpression): boolean {
  for (const prop of params.properties) {
    if (ts.isSpreadAssignment(prop)) return true;
    const key = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : stringValue(prop.name);
    if (key && CAPS.has(key)) return true;
    if (key && /^(?:generationConfig|config)$/.test(key) && ts.isPropertyAssignment(prop)) {
      const inner = prop.initializer;
      if (!ts.isObjectLiteralExpression(inner) || capped(inner)) return true;
    }
  }
  return false;
}
