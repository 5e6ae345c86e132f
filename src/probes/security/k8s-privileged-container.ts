import type { ProbeContext } from '../context.js';
import type { SourceFile } from '../../repo/view.js';
import { defineProbe, type Hit } from '../types.js';

/** Kubernetes objects that run containers; a ConfigMap or Service that mentions `privileged` runs nothing. */
const WORKLOAD = /^kind:\s*["']?(?:Deployment|StatefulSet|DaemonSet|Pod|Job|CronJob|ReplicaSet|ReplicationController)["']?\s*(?:#.*)?$/m;
const DANGEROUS: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /^\s*(?:-\s+)?privileged:\s*["']?true\b/, why: 'runs privileged: it has every capability and the host’s devices, so escaping to the node is trivial' },
  { pattern: /^\s*(?:-\s+)?allowPrivilegeEscalation:\s*["']?true\b/, why: 'allows privilege escalation: setuid binaries inside it can gain root' },
  { pattern: /^\s*(?:-\s+)?runAsUser:\s*["']?0["']?\s*(?:#.*)?$/, why: 'runs as uid 0 (root)' },
  { pattern: /^\s*(?:-\s+)?hostNetwork:\s*["']?true\b/, why: 'shares the node’s network namespace: it can reach node-local services and sniff host traffic' },
  { pattern: /^\s*(?:-\s+)?hostPID:\s*["']?true\b/, why: 'shares the node’s process namespace: it can see and signal every process on the node' },
  { pattern: /^\s*(?:-\s+)?hostIPC:\s*["']?true\b/, why: 'shares the node’s IPC namespace' },
];
const NON_ROOT = /^\s*(?:-\s+)?(?:runAsNonRoot:\s*["']?true\b|runAsUser:\s*["']?[1-9]\d*)/m;

export default defineProbe({
  meta: {
    id: 'k8s-privileged-container',
    title: 'Kubernetes workload runs privileged or as root',
    category: 'Security',
    severity: 'HIGH',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-250',
    confidence: 'high',
    description: 'A Kubernetes workload manifest sets `privileged: true`, `allowPrivilegeEscalation: true`, `runAsUser: 0`, `hostNetwork`, `hostPID` or `hostIPC`, or never requires `runAsNonRoot: true`.',
    impact: 'A compromise of the application becomes a compromise of the node and of every other workload scheduled on it.',
    remediation: 'Set `securityContext: { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }` and drop host namespaces; enforce the restricted Pod Security Standard on the namespace.',
    effort: 'hours',
  },
  applies: (ctx) => manifests(ctx).length > 0,
  detect(ctx) {
    const patched = patchFiles(ctx);
    return manifests(ctx).flatMap((file) => documents(file).flatMap((doc) => judge(file, doc, patched.has(file.path))));
  },
});

interface Doc {
  readonly start: number; // 0-based index of the first line
  readonly lines: readonly string[];
}

function manifests(ctx: ProbeContext): SourceFile[] {
  return ctx.files(['yaml'], ['kind:']).filter((f) => /^apiVersion:/m.test(f.text) && WORKLOAD.test(f.text));
}

/** The `---`-separated documents of a YAML stream, comments stripped. */
function documents(file: SourceFile): Doc[] {
  const docs: Doc[] = [];
  let current: string[] = [];
  let start = 0;
  file.lines.forEach((line, index) => {
    if (/^---/.test(line)) {
      docs.push({ start, lines: current });
      current = [];
      start = index + 1;
      return;
    }
    current.push(line.replace(/(^|\s)#.*$/, ''));
  });
  docs.push({ start, lines: current });
  return docs;
}

function judge(file: SourceFile, doc: Doc, isPatch: boolean): Hit[] {
  const text = doc.lines.join('\n');
  if (!WORKLOAD.test(text) || !/^apiVersion:/m.test(text)) return [];
  const kind = /^kind:\s*["']?(\w+)/m.exec(text)![1];
  const hits: Hit[] = [];
  doc.lines.forEach((line, index) => {
    const danger = DANGEROUS.find((d) => d.pattern.test(line));
    if (danger) hits.push({ file, line: doc.start + index + 1, message: `This ${kind} ${danger.why}.` });
  });
  // Templated security contexts (Helm) and strategic-merge patches are judged where the values live;
  // a workload already flagged above needs no second, milder finding.
  const containers = doc.lines.findIndex((line) => /^\s*containers:/.test(line));
  if (containers >= 0 && !NON_ROOT.test(text) && !/\{\{/.test(text) && !isPatch && hits.length === 0) {
    hits.push({ file, line: doc.start + containers + 1, severity: 'MEDIUM', message: `This ${kind} never sets \`runAsNonRoot: true\` (or a non-zero runAsUser), so its containers run as whatever user the image defaults to, often root.` });
  }
  return hits;
}

/** Files a kustomization applies as patches: partial objects whose security context comes from the base. */
function patchFiles(ctx: ProbeContext): Set<string> {
  const patched = new Set<string>();
  for (const file of ctx.files(['yaml'], ['patch']).filter((f) => /(?:^|\/)kustomization\.ya?ml$/.test(f.path))) {
    const dir = file.path.slice(0, file.path.lastIndexOf('/') + 1);
    let inPatches = false;
    for (const line of file.lines) {
      const section = /^([\w-]+):/.exec(line);
      if (section) inPatches = /^patch/i.test(section[1]!);
      const entry = inPatches ? /^\s*(?:-\s+)?(?:path:\s*)?["']?([\w./-]+\.ya?ml)["']?\s*$/.exec(line) : null;
      if (entry) patched.add(normalise(dir + entry[1]!));
    }
  }
  return patched;
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}
