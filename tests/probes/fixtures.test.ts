import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRepo } from '../../src/repo/collect.js';
import { redactorFor } from '../../src/repo/redactor.js';
import { PROBES } from '../../src/probes/registry.js';
import { runProbes } from '../../src/probes/run.js';
import { renderProbeDocs } from '../../src/probes/docs.js';

const FIXTURES = path.resolve('tests/fixtures/probes');
const PROBE_SOURCES = path.resolve('src/probes');
const ANNOTATION = /(?:\/\/|#|--|\/\*|<!--|\{\/\*)\s*(expect|ok|todo-expect|todo-ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;

interface Expectations {
  expect: Set<string>; // "file:line"
  ok: Set<string>;
  todo: Set<string>;
}

/** Reads `// expect: id` and `// ok: id` annotations; each speaks of the next line that is not an annotation. */
function readExpectations(root: string, probeId: string): Expectations {
  const result: Expectations = { expect: new Set(), ok: new Set(), todo: new Set() };
  for (const rel of listFiles(root)) {
    const lines = fs.readFileSync(path.join(root, rel), 'utf8').split(/\r?\n/);
    let pending: { kind: string }[] = [];
    lines.forEach((line, index) => {
      const match = ANNOTATION.exec(line);
      if (match && isWholeLine(line, match)) {
        const ids = match[2]!.split(',').map((id) => id.trim());
        if (ids.includes(probeId)) pending.push({ kind: match[1]! });
        return;
      }
      for (const { kind } of pending) {
        const key = `${rel}:${index + 1}`;
        if (kind === 'expect') result.expect.add(key);
        else if (kind === 'ok') result.ok.add(key);
        else result.todo.add(key);
      }
      pending = [];
    });
  }
  return result;
}

function isWholeLine(line: string, match: RegExpExecArray): boolean {
  return line.slice(0, match.index).trim() === '';
}

function listFiles(root: string, rel = ''): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(root, child) : [child];
  });
}

describe('probe fixtures', () => {
  for (const probe of PROBES) {
    const id = probe.meta.id;
    it(`${id} hits exactly its expected lines`, async () => {
      const root = path.join(FIXTURES, id);
      expect(fs.existsSync(root), `missing fixture folder tests/fixtures/probes/${id}/`).toBe(true);
      const expectations = readExpectations(root, id);
      expect(expectations.expect.size, `${id}: the fixture needs at least one "expect: ${id}" annotation`).toBeGreaterThan(0);
      expect(expectations.ok.size, `${id}: the fixture needs at least one near-miss "ok: ${id}" annotation`).toBeGreaterThan(0);

      const view = await collectRepo(root, { git: false });
      const run = runProbes(view, [probe], redactorFor(view));
      expect(run.outcomes[0]?.status, run.outcomes[0]?.error).not.toBe('error');
      const hits = new Set(run.findings.map((f) => `${f.evidence[0]!.file}:${f.evidence[0]!.startLine}`));

      const missed = [...expectations.expect].filter((key) => !hits.has(key));
      const unexpected = [...hits].filter((key) => !expectations.expect.has(key) && !expectations.todo.has(key));
      expect({ missed, unexpected }).toEqual({ missed: [], unexpected: [] });
      for (const key of expectations.ok) expect(hits.has(key), `${key} is marked ok but was hit`).toBe(false);
    });
  }
});

describe('probe registry', () => {
  it('lists every probe file, and only those', () => {
    const onDisk = fs
      .readdirSync(PROBE_SOURCES, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'support')
      .flatMap((dir) => fs.readdirSync(path.join(PROBE_SOURCES, dir.name)).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, '')))
      .sort();
    expect(PROBES.map((p) => p.meta.id).sort()).toEqual(onDisk);
  });

  it('keeps each probe in the folder of its category', () => {
    for (const probe of PROBES) {
      const folder = probe.meta.category.toLowerCase().replace(/[^a-z]+/g, '-');
      expect(fs.existsSync(path.join(PROBE_SOURCES, folder, `${probe.meta.id}.ts`)), `${probe.meta.id} belongs in src/probes/${folder}/`).toBe(true);
    }
  });

  it('documents every probe in docs/probes.md (regenerate with npm run docs:probes)', () => {
    const docs = fs.readFileSync('docs/probes.md', 'utf8');
    expect(docs).toBe(renderProbeDocs(PROBES));
  });
});
