import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { dockerInstructions } from '../support/dockerfile.js';
import { defineProbe, type Hit } from '../types.js';

const COMPOSE_FILE = /(?:^|\/)(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/i;
/** Kubernetes objects that run containers; CI files (`.github/`, `.gitlab-ci.yml`) also say `image:` but do not ship. */
const WORKLOAD = /^kind:\s*(?:Deployment|StatefulSet|DaemonSet|Pod|Job|CronJob|ReplicaSet)\s*$/m;
const IMAGE_LINE = /^(\s*)(?:-\s+)?image:\s*["']?([^\s"'#]+)/;

export default defineProbe({
  meta: {
    id: 'container-image-unpinned',
    title: 'Container image not pinned to a version',
    category: 'Reliability',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'ops-auditor',
    cwe: 'CWE-1104',
    confidence: 'high',
    description: 'A Dockerfile FROM, docker-compose service or Kubernetes workload uses an image with no tag, or the `latest` tag.',
    impact: 'Each build or restart can pull a different image: a new major version or a broken release ships without review, and rollbacks do not restore what ran before.',
    remediation: 'Pin every image to an explicit version tag (e.g. `node:20.11-alpine`), ideally with its `@sha256:` digest, and update it deliberately (Renovate/Dependabot).',
    effort: 'hours',
  },
  applies: (ctx) => ctx.files(['dockerfile']).length > 0 || manifests(ctx).length > 0,
  detect(ctx) {
    // Kustomize `images:` overrides set the tag of these names at deploy time.
    const overridden = new Set(
      ctx.files(['yaml'], ['images:']).filter((f) => /(?:^|\/)kustomization\.ya?ml$/.test(f.path)).flatMap((f) => [...f.text.matchAll(/-\s*name:\s*["']?([^\s"'#]+)/g)].map((m) => m[1]!)),
    );
    return [...ctx.files(['dockerfile']).flatMap(fromLines), ...manifests(ctx).flatMap((file) => imageLines(file, overridden))];
  },
});

function manifests(ctx: ProbeContext): SourceFile[] {
  return ctx.files(['yaml'], ['image:']).filter((f) => COMPOSE_FILE.test(f.path) || (WORKLOAD.test(f.text) && /^apiVersion:/m.test(f.text)));
}

function fromLines(file: SourceFile): Hit[] {
  const stages = new Set<string>();
  const args = new Map<string, string>();
  const hits: Hit[] = [];
  for (const { keyword, args: text, line } of dockerInstructions(file)) {
    if (keyword === 'ARG') {
      const match = /^(\w+)=["']?([^"'\s]+)/.exec(text.trim());
      if (match) args.set(match[1]!, match[2]!);
      continue;
    }
    if (keyword !== 'FROM') continue;
    const words = text.trim().split(/\s+/).filter((w) => !w.startsWith('--'));
    const image = words[0] ?? '';
    const earlierStage = stages.has(image.toLowerCase());
    if (words[1]?.toUpperCase() === 'AS' && words[2]) stages.add(words[2].toLowerCase());
    // `FROM node:${NODE_VERSION}` is judged by its ARG default; an ARG without one cannot be judged.
    const resolved = image.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => args.get(name) ?? whole);
    if (earlierStage || resolved.includes('$') || resolved.toLowerCase() === 'scratch') continue;
    const problem = unpinned(resolved);
    if (problem) hits.push({ file, line, message: `FROM ${resolved} ${problem}.` });
  }
  return hits;
}

function imageLines(file: SourceFile, overridden: ReadonlySet<string>): Hit[] {
  const lines = file.lines;
  const hits: Hit[] = [];
  lines.forEach((text, index) => {
    const match = IMAGE_LINE.exec(text);
    if (!match || /\{\{|\$\{?\w/.test(match[2]!) || overridden.has(match[2]!.replace(/@.*$/, '').replace(/:[^/]*$/, ''))) return;
    // A compose service with `build:` names the image it builds; nothing is pulled.
    if (COMPOSE_FILE.test(file.path) && siblingKeys(lines, index, match[1]!.length).includes('build')) return;
    const problem = unpinned(match[2]!);
    if (problem) hits.push({ file, line: index + 1, message: `image: ${match[2]} ${problem}.` });
  });
  return hits;
}

/** Why an image reference floats, or undefined when it names a fixed version or digest. */
function unpinned(ref: string): string | undefined {
  if (ref.includes('@sha256:')) return undefined;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  if (colon < 0) return 'has no tag, so it pulls whatever `latest` is at build time';
  return name.slice(colon + 1) === 'latest' ? 'uses the moving `latest` tag' : undefined;
}

/** Keys at the same indentation as line `index`, within the mapping that holds it. */
function siblingKeys(lines: string[], index: number, indent: number): string[] {
  const keys: string[] = [];
  const scan = (from: number, step: number): void => {
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      const line = lines[i]!;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const own = line.length - line.trimStart().length;
      if (own < indent) return;
      const key = own === indent ? /^\s*([\w.-]+):/.exec(line)?.[1] : undefined;
      if (key) keys.push(key);
    }
  };
  scan(index - 1, -1);
  scan(index + 1, 1);
  return keys;
}
