import { calleeName, endLineOf, findNodes, lineOf, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

/**
 * Calls whose cost grows with the file or directory read or written: the event loop stops for all of it.
 * Metadata calls (`existsSync`, `statSync`, `mkdirSync`) cost the same whatever the size and are left alone.
 */
const SYNC_READS = /^(?:fs\.|fsSync\.|node:fs\.|fse\.|fsExtra\.)?(?:readFileSync|readdirSync|readJsonSync|readJSONSync|writeFileSync|appendFileSync|copyFileSync|cpSync|copySync|writeJsonSync|writeJSONSync|outputFileSync|outputJsonSync)$/;

export default defineProbe({
  meta: {
    id: 'sync-file-read-in-request-handler',
    title: 'Synchronous file read or write in a request handler',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-400',
    confidence: 'high',
    description: 'A route handler reads or writes a file or directory with a synchronous call (`fs.readFileSync`, `fs.readdirSync`, `fs.writeFileSync`, `fs.copyFileSync`) on every request.',
    impact: 'The whole process stops while the disk is read or written: every other request waits, and a large file or a slow volume turns one request into latency for all of them.',
    remediation: 'Use `fs.promises` (`readFile`, `writeFile`, `copyFile`) or a stream (`fs.createReadStream`, `stream.pipeline`), or read the file once at startup and keep it in memory.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['Sync(']).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const route of ctx.routes()) {
      const body = route.handler?.body;
      if (!body || !/Sync\(/.test(body.getText())) continue;
      const calls = findNodes(body, (node): node is ts.CallExpression => ts.isCallExpression(node) && SYNC_READS.test(calleeName(node)));
      for (const group of adjacentGroups(calls)) {
        const names = [...new Set(group.map((call) => calleeName(call)))].join(', ');
        hits.push({ file: route.file, line: lineOf(group[0]!), endLine: endLineOf(group.at(-1)!), message: `${route.method} ${route.path} calls ${names}: the event loop stops for every request while the file is read or written.` });
      }
    }
    return hits;
  },
});

/** Calls at most two lines apart (write a temp file, then read it back) are one finding, not one per line. */
function adjacentGroups(calls: readonly ts.CallExpression[]): ts.CallExpression[][] {
  const groups: ts.CallExpression[][] = [];
  for (const call of [...calls].sort((a, b) => a.getStart() - b.getStart())) {
    const last = groups.at(-1);
    if (last && lineOf(call) - endLineOf(last.at(-1)!) <= 2) last.push(call);
    else groups.push([call]);
  }
  return groups;
}
