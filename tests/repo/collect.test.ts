import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { collectRepo } from '../../src/repo/collect.js';
import { makeTree } from '../helpers/tree.js';

const paths = async (root: string, options = {}) => (await collectRepo(root, { git: false, ...options })).files.map((f) => f.path);

describe('collectRepo()', () => {
  it('reads source files and detects their language', async () => {
    const root = makeTree({ 'src/app.ts': 'export {}', 'Dockerfile': 'FROM node:20', 'prisma/schema.prisma': 'model A { id Int @id }', '.env': 'A=1' });
    const view = await collectRepo(root, { git: false });
    expect(Object.fromEntries(view.files.map((f) => [f.path, f.language]))).toEqual({
      '.env': 'dotenv',
      Dockerfile: 'dockerfile',
      'prisma/schema.prisma': 'prisma',
      'src/app.ts': 'typescript',
    });
  });

  it('skips default excludes: dependencies, build output, minified files, lockfiles', async () => {
    const root = makeTree({
      'src/a.ts': 'a',
      'node_modules/x/index.js': 'x',
      'dist/a.js': 'a',
      'web/.next/page.js': 'p',
      'public/app.min.js': 'm',
      'package-lock.json': '{}',
      'packages/docs/audits/old.md': 'old report',
    });
    expect(await paths(root)).toEqual(['src/a.ts']);
  });

  it('honours .gitignore files at the root and in subfolders, each relative to its folder', async () => {
    const root = makeTree({
      '.gitignore': 'secret-notes.txt\n/generated\n',
      'secret-notes.txt': 'x',
      'generated/a.ts': 'x',
      'src/generated/b.ts': 'kept: /generated is anchored to the root',
      'src/.gitignore': '*.snap\n',
      'src/a.snap': 'x',
      'a.snap': 'kept: the rule lives in src/',
    });
    expect(await paths(root)).toEqual(['.gitignore', 'a.snap', 'src/.gitignore', 'src/generated/b.ts']);
  });

  it('lists binary, oversized and non-UTF-8 files as skipped with the reason', async () => {
    const root = makeTree({
      'ok.ts': 'export {}',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
      'big.json': 'x'.repeat(2048),
      'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    });
    const view = await collectRepo(root, { git: false, maxFileBytes: 1024 });
    expect(view.files.map((f) => f.path)).toEqual(['ok.ts']);
    expect(Object.fromEntries(view.skipped.map((s) => [s.path, s.reason]))).toEqual({ 'logo.png': 'binary', 'big.json': 'too-large', 'latin1.txt': 'not-utf8' });
  });

  it('never follows symlinks, inside or out', async () => {
    const outside = makeTree({ 'secret.ts': 'const key = 1' });
    const root = makeTree({ 'src/a.ts': 'a' });
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'src/escape.ts'));
    fs.symlinkSync(outside, path.join(root, 'linked-dir'));
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'src/loop'));
    const view = await collectRepo(root, { git: false });
    expect(view.files.map((f) => f.path)).toEqual(['src/a.ts']);
    expect(view.skipped.map((s) => `${s.path}:${s.reason}`).sort()).toEqual(['linked-dir:symlink', 'src/escape.ts:symlink', 'src/loop:symlink']);
  });

  it('records where secrets sit, so reports can redact them', async () => {
    const root = makeTree({ 'src/pay.ts': `const a = 1;\nconst key = 'sk_live_${'a1B2c3D4e5F6g7H8i9J0k1L2'}';\n` });
    const view = await collectRepo(root, { git: false });
    expect(view.secrets).toMatchObject([{ file: 'src/pay.ts', line: 2, format: 'stripe-secret-key' }]);
  });

  it.each([
    ['a missing path', () => path.join(makeTree({}), 'nope'), /Path not found/],
    ['a file instead of a folder', () => path.join(makeTree({ 'a.ts': 'x' }), 'a.ts'), /Not a folder/],
    ['an empty folder', () => makeTree({}), /Nothing to audit/],
    ['a folder of only binaries', () => makeTree({ 'a.bin': Buffer.from([0, 1, 2]) }), /all 1 files were skipped/],
  ])('refuses %s with a UserError', async (_name, make, message) => {
    await expect(collectRepo(make(), { git: false })).rejects.toSatisfy((e: unknown) => e instanceof UserError && message.test(e.message));
  });

  it('reads git facts, and a folder that is not a repository still audits', async () => {
    const root = makeTree({ 'a.ts': 'x' });
    expect((await collectRepo(root)).git).toBeNull();
    const self = await collectRepo(path.resolve('src/model'));
    expect(self.git?.head).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('names that would forge or leak text', () => {
  it('skips names with control characters, bidi overrides or a secret as "unsafe-name", listed escaped and redacted', async () => {
    const stripe = ['sk_live_', 'NameOnly7Xw9Rv4Ks1Ny6T'].join('');
    const root = makeTree({ 'src/ok.ts': 'a', 'src/a\nb.ts': 'b', 'src/x\u202Ey.ts': 'c', 'we\tird/d.ts': 'd', [`src/${stripe}.ts`]: 'e', 'ignored/\u001b.ts': 'f', '.gitignore': 'ignored/\n' });
    const view = await collectRepo(root, { git: false });
    expect(view.files.map((f) => f.path)).toEqual(['.gitignore', 'src/ok.ts']);
    expect(view.skipped.map((s) => [s.path, s.reason]).sort()).toEqual([
      ['src/[REDACTED stripe-secret-key].ts', 'unsafe-name'],
      ['src/a\\nb.ts', 'unsafe-name'],
      ['src/x\\u202ey.ts', 'unsafe-name'],
      ['we\\tird/', 'unsafe-name'],
    ]);
  });
});
