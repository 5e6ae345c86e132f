import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { expressionName, findNodes, lineOf, stringValue, ts } from '../support/ast.js';
import { defineProbe, type Hit } from '../types.js';

const REDIS_PACKAGES = ['ioredis', 'redis', '@redis/client', 'iovalkey', '@upstash/redis'];
/** A Redis client by its usual names; `Object.keys(o)`, `_.keys(o)` and `map.keys()` are not. */
const CLIENT_NAME = /(?:^|\.)(?:\w*redis\w*|\w*valkey\w*|client|cluster|cache|kv|pub|sub)$/i;
/** The generic command helpers: `redis.call('KEYS', p)`, `client.sendCommand(['KEYS', p])`. */
const RAW_COMMAND = new Set(['call', 'send_command', 'sendCommand']);
/** One-off maintenance scripts may walk the keyspace; the server must not. */
const NOT_SERVER_PATH = /(?:^|\/)(?:scripts?|bin|tools|migrations?|seeds?)\//;

export default defineProbe({
  meta: {
    id: 'redis-keys-command',
    title: 'Redis KEYS in application code',
    category: 'Throughput',
    severity: 'MEDIUM',
    phase: 6,
    agent: 'code-auditor',
    cwe: 'CWE-400',
    confidence: 'high',
    description: 'Application code runs the Redis `KEYS pattern` command (`redis.keys(...)` with ioredis or node-redis, or through `call`/`sendCommand`), typically to find cache entries to invalidate.',
    impact: 'KEYS walks the whole keyspace in one blocking command: while it runs, Redis serves nobody, so every request that uses the cache, the sessions or the queue stalls, and the stall grows with the number of keys.',
    remediation: 'Iterate with `SCAN` (`redis.scanStream({ match, count })`, `client.scanIterator({ MATCH })`), or keep the keys of a group in a Redis set (or bump a version number in the key) so invalidation needs no search.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.hasDependency(...REDIS_PACKAGES) && ctx.scripts(['keys(', /['"]keys['"]/i]).length > 0,
  detect: (ctx) => ctx.scripts(['keys(', /['"]keys['"]/i]).filter((file) => !NOT_SERVER_PATH.test(file.path) && !ctx.isFrontEnd(file)).flatMap((file) => checkFile(ctx, file)),
});

function checkFile(ctx: ProbeContext, file: SourceFile): Hit[] {
  return findNodes(ctx.ast(file), ts.isCallExpression)
    .filter(isKeysCommand)
    .map((call) => ({ file, line: lineOf(call), message: `${call.expression.getText()}(...) runs KEYS: Redis blocks every other client while it walks the whole keyspace.` }));
}

function isKeysCommand(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !CLIENT_NAME.test(expressionName(callee.expression))) return false;
  const method = callee.name.text;
  if (method === 'keys' || method === 'KEYS') return call.arguments.length === 1;
  if (!RAW_COMMAND.has(method)) return false;
  const first = call.arguments[0];
  const command = first && ts.isArrayLiteralExpression(first) ? first.elements[0] : first;
  return stringValue(command)?.toUpperCase() === 'KEYS';
}
