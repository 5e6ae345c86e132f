import { calleeName, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/** Calls whose cost grows with the file or directory read: the event loop stops for all of it. */
const SYNC_READS = /^(?:fs\.|fsSync\.|node:fs\.)?(?:readFileSync|readdirSync|readJsonSync|readJSONSync)$/;

export default defineProbe({
  meta: {
    id: 'sync-file-read-in-request-handler',
    title: 'Synchronous file read in a request handler',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-400',
    confidence: 'high',
    description: 'A route handler reads a file or directory with a synchronous call (`fs.readFileSync`, `fs.readdirSync`) on every request.',
    impact: 'The whole process stops while the disk is read: every other request waits, and a large file or a slow volume turns one request into latency for all of them.',
    remediation: 'Use `fs.promises.readFile` or a stream (`fs.createReadStream`), or read the file once at startup and keep it in memory.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['Sync(']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const route of ctx.routes()) {
      const body = route.handler?.body;
      if (!body || !/Sync\(/.test(body.getText())) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && SYNC_READS.test(calleeName(node))) {
          hits.push({ file: route.file, line: lineOf(node), message: `${route.method} ${route.path} calls ${calleeName(node)}: the event loop stops for every request while the file is read.` });
        }
        ts.forEachChild(node, visit);
      };
      visit(body);
    }
    return hits;
  },
});
