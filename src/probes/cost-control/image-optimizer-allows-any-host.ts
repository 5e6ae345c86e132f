import { findNodes, lineOf, propertyOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const NEXT_CONFIG = /(?:^|\/)next\.config\.[cm]?[jt]s$/;
/** A host pattern that matches every host. Subdomain patterns (`**.example.com`) stay inside one domain. */
const ANY_HOST = /^\*{1,2}$/;

export default defineProbe({
  meta: {
    id: 'image-optimizer-allows-any-host',
    title: 'Image optimisation open to any remote host',
    category: 'Cost Control',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-770',
    confidence: 'high',
    description: 'next.config `images.remotePatterns` accepts every host (`hostname: \'**\'`), so `/_next/image` fetches and resizes any URL on the internet.',
    impact: 'Anyone can use the deployment as a free image proxy: every new URL and size is a billed optimisation (Vercel image quotas, CPU and bandwidth elsewhere), and the server fetches attacker-chosen hosts.',
    remediation: 'List the exact hosts images come from (`{ protocol: \'https\', hostname: \'cdn.example.com\', pathname: \'/uploads/**\' }`), or proxy user-supplied images through your own storage.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['remotePatterns']).some((file) => NEXT_CONFIG.test(file.path)),
  detect(ctx) {
    const hits: Hit[] = [];
    for (const file of ctx.scripts(['remotePatterns']).filter((f) => NEXT_CONFIG.test(f.path))) {
      for (const prop of findNodes(ctx.ast(file), ts.isPropertyAssignment)) {
        if (prop.name.getText() !== 'remotePatterns' || !ts.isArrayLiteralExpression(prop.initializer)) continue;
        for (const pattern of prop.initializer.elements) {
          const host = hostOf(pattern);
          if (host === undefined || !ANY_HOST.test(host)) continue;
          hits.push({ file, line: lineOf(pattern), message: `remotePatterns allows hostname '${host}': the image optimiser will fetch and resize images from any host for anyone.` });
        }
      }
    }
    return hits;
  },
});

/** The hostname a pattern allows: `{ hostname }`, `new URL('https://host/**')`. */
function hostOf(pattern: ts.Expression): string | undefined {
  if (ts.isObjectLiteralExpression(pattern)) {
    if (pattern.properties.some(ts.isSpreadAssignment)) return undefined;
    return stringValue(propertyOf(pattern, 'hostname'));
  }
  if (ts.isNewExpression(pattern) && pattern.expression.getText() === 'URL') {
    const url = stringValue(pattern.arguments?.[0]);
    return url ? /^[a-z]+:\/\/([^/]*)/i.exec(url)?.[1] : undefined;
  }
  return undefined;
}
