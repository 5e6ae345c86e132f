import { calleeName, lineOf, stringValue, ts } from '../support/ast.js';
import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { defineProbe, type Hit } from '../types.js';

const NEXT_CONFIG = /(?:^|\/)next\.config\.[cm]?[jt]s$/;
const VITE_CONFIG = /(?:^|\/)vite\.config\.[cm]?[jt]s$/;
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|TOKEN|CREDENTIAL|DATABASE_URL|DB_URL|SERVICE_ROLE|SIGNING_?KEY|ENCRYPTION_?KEY/i;
const PUBLIC_NAME = /^(?:NEXT_PUBLIC_|VITE_|PUBLIC_|REACT_APP_)|PUBLISHABLE|PUBLIC_?KEY|ANON_?KEY|SITE_?KEY/i;
/**
 * Reads of a variable the bundler inlines into client code by its prefix: Vite (`VITE_`), Astro/SvelteKit (`PUBLIC_`) and
 * Nuxt through `import.meta.env`; Next, Create React App, Vue CLI, Expo and Gatsby through `process.env`.
 */
const CLIENT_ENV_READ = /\bimport\.meta\.env\.((?:VITE_|PUBLIC_|NUXT_PUBLIC_)\w+)|\bprocess\.env\.((?:NEXT_PUBLIC_|REACT_APP_|VUE_APP_|EXPO_PUBLIC_|GATSBY_|NUXT_PUBLIC_)\w+)/g;
/** Keys made to live in a browser: publishable and anonymous keys, map, search-only, captcha site and analytics keys, OAuth client ids. */
const BROWSER_KEY = /PUBLISHABLE|PUBLIC_?KEY|ANON_?KEY|SITE_?KEY|CLIENT_?(?:ID|KEY)|MAPS?_|MAPBOX|FIREBASE|ALGOLIA|SEARCH|RECAPTCHA|HCAPTCHA|TURNSTILE|SENTRY|POSTHOG|SEGMENT|MIXPANEL|AMPLITUDE|ANALYTICS|MEASUREMENT|_(?:HEADER|NAME|URL|ENDPOINT|ID)$/i;
/** Single-file components keep their script in a block of the component file. */
const COMPONENT_FILE = /\.(?:vue|svelte|astro)$/;

export default defineProbe({
  meta: {
    id: 'secret-exposed-to-client-bundle',
    title: 'Server secret inlined into the browser bundle',
    category: 'Security',
    severity: 'CRITICAL',
    phase: 5,
    agent: 'security-auditor',
    cwe: 'CWE-200',
    confidence: 'high',
    description: 'A build config inlines a secret environment variable into client JavaScript: next.config `env` or `publicRuntimeConfig`, Vite `define`, webpack DefinePlugin or EnvironmentPlugin; or code reads a secret-named variable under a client prefix (`import.meta.env.VITE_OPENAI_API_KEY`, `process.env.NEXT_PUBLIC_…_SECRET`).',
    impact: 'Every visitor downloads the secret with the page’s JavaScript and can call the API or database it unlocks with the application’s privileges.',
    remediation: 'Remove the variable from the client config and read it only in server code (route handlers, server actions, API routes); expose only values meant to be public (`NEXT_PUBLIC_…` publishable keys).',
    effort: 'hours',
  },
  applies: (ctx) =>
    ctx.scripts().some((file) => NEXT_CONFIG.test(file.path) || VITE_CONFIG.test(file.path) || file.text.includes('DefinePlugin') || file.text.includes('EnvironmentPlugin')) ||
    clientEnvFiles(ctx).length > 0,
  detect(ctx) {
    const fromConfig = configHits(ctx);
    const reported = new Set(fromConfig.map((hit) => `${hit.file.path}:${hit.line}`));
    return [...fromConfig, ...clientEnvFiles(ctx).flatMap(publicSecretReads).filter((hit) => !reported.has(`${hit.file.path}:${hit.line}`))];
  },
});

/** Scripts and component files that read a client-prefixed variable. */
function clientEnvFiles(ctx: ProbeContext): SourceFile[] {
  return ctx.files(['typescript', 'javascript', 'other'], [/(?:NEXT_PUBLIC|REACT_APP|VUE_APP|EXPO_PUBLIC|GATSBY|VITE|PUBLIC)_\w*(?:SECRET|PASS|KEY|TOKEN|CREDENTIAL|DATABASE|DB_URL|SERVICE_ROLE)/i])
    .filter((file) => file.language !== 'other' || COMPONENT_FILE.test(file.path));
}

/** `import.meta.env.VITE_OPENAI_API_KEY`: the prefix asks the bundler to ship the value to every browser, and the name says it is a secret. */
function publicSecretReads(file: SourceFile): Hit[] {
  return file.lines.flatMap((text, index): Hit[] =>
    [...text.matchAll(CLIENT_ENV_READ)].flatMap((match): Hit[] => {
      const name = (match[1] ?? match[2])!;
      const unprefixed = name.replace(/^(?:NEXT_PUBLIC|NUXT_PUBLIC|REACT_APP|VUE_APP|EXPO_PUBLIC|GATSBY|VITE|PUBLIC)_/, '');
      if (!SECRET_NAME.test(unprefixed) || BROWSER_KEY.test(unprefixed)) return [];
      return [{ file, line: index + 1, message: `${name} is a secret by its name, but its prefix makes the bundler inline it into the client code every visitor downloads.` }];
    }),
  );
}

function configHits(ctx: ProbeContext): Hit[] {
  return ctx.scripts(['env']).flatMap((file) => {
    const hits: Hit[] = [];
    const blocks = NEXT_CONFIG.test(file.path) ? ['env', 'publicRuntimeConfig'] : VITE_CONFIG.test(file.path) ? ['define'] : [];
    for (const prop of ctx.nodesOf<ts.PropertyAssignment>(file, ts.SyntaxKind.PropertyAssignment)) {
      if (blocks.includes(prop.name.getText()) && ts.isObjectLiteralExpression(prop.initializer)) hits.push(...exposed(file, prop.initializer));
    }
    for (const call of ctx.nodesOf<ts.NewExpression>(file, ts.SyntaxKind.NewExpression)) {
      const name = calleeName(call).split('.').pop();
      const arg = call.arguments?.[0];
      if (name === 'DefinePlugin' && arg && ts.isObjectLiteralExpression(arg)) hits.push(...exposed(file, arg));
      if (name === 'EnvironmentPlugin' && arg && ts.isArrayLiteralExpression(arg)) {
        for (const el of arg.elements) if (isSecret(stringValue(el) ?? '')) hits.push(hit(file, el, stringValue(el)!));
      }
    }
    return hits;
  });
}

/** Entries whose key or value names a secret variable, and `'process.env': process.env` that inlines them all. */
function exposed(file: SourceFile, obj: ts.ObjectLiteralExpression): Hit[] {
  return obj.properties.flatMap((prop): Hit[] => {
    if (!ts.isPropertyAssignment(prop) && !ts.isShorthandPropertyAssignment(prop)) return [];
    const key = (stringValue(prop.name) ?? prop.name.getText()).replace(/^(?:process|import\.meta)\.env\./, '');
    const value = ts.isPropertyAssignment(prop) ? prop.initializer.getText() : '';
    if (/^process\.env$/.test(key) && /\bprocess\.env\s*\)?$/.test(value)) return [hit(file, prop, 'every environment variable')];
    const named = [key, ...[...value.matchAll(/\b(?:process|import\.meta)\.env\.(\w+)/g)].map((m) => m[1]!)];
    const secret = named.find(isSecret);
    return secret ? [hit(file, prop, secret)] : [];
  });
}

function isSecret(name: string): boolean {
  return SECRET_NAME.test(name) && !PUBLIC_NAME.test(name);
}

function hit(file: SourceFile, node: ts.Node, what: string): Hit {
  return { file, line: lineOf(node), message: `${what} is inlined into the client bundle, where every visitor can read it.` };
}

