import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { propertyOf, ts } from '../support/ast.js';
import { prismaModels } from '../support/prisma.js';
import { mongooseSchemas } from '../support/schema-mongoose.js';
import { drizzleTables } from '../support/schema-drizzle.js';
import { sqlTables } from '../support/schema-sql.js';
import { typeormEntities } from '../support/schema-typeorm.js';
import { defineProbe, type Hit } from '../types.js';

/** Models whose rows are accounts someone signs in to. */
const ACCOUNT_MODEL = /^(?:app|admin|auth|platform)?_?(?:users?|accounts?|members?|admins?|logins?|credentials?|operators?)$/i;
const PASSWORD_FIELD = /^(?:password|password_?hash|hashed_?password|encrypted_?password|pass_?hash)$/i;
/** What identifies an account: two accounts sharing one is a takeover or a support nightmare. */
const LOGIN_KEY = /^(?:e_?mail|email_?address|user_?name|login|handle)$/i;
/** Business documents numbered for people and tax authorities: a number must never repeat. */
const DOCUMENT_MODEL = /^(?:invoices?|orders?|receipts?|credit_?notes?|quotes?|bills?|purchase_?orders?)$/i;
const DOCUMENT_KEY = /^(?:number|(?:invoice|order|receipt|document|credit_?note|quote|bill)_?(?:number|no|num))$/i;

interface Candidate {
  readonly file: SourceFile;
  readonly owner: string;
  readonly fields: readonly { readonly name: string; readonly line: number }[];
  readonly uniques: readonly (readonly string[])[];
}

export default defineProbe({
  meta: {
    id: 'natural-key-without-unique-constraint',
    title: 'Natural key without a unique constraint',
    category: 'Data Integrity',
    severity: 'HIGH',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'An account’s email or username, or an invoice or order number, is not covered by any unique constraint or unique index (Prisma, TypeORM, Mongoose, Drizzle or SQL), alone or together with a tenant column.',
    impact: 'Two sign-ups racing with the same email create two accounts (password resets and logins then pick either), and two invoices can get the same number, which tax rules forbid; an application-level "check then insert" cannot prevent it.',
    remediation: 'Declare the uniqueness in the database (`@unique` / `@@unique([orgId, number])`, `unique: true`, `CREATE UNIQUE INDEX ... ON users (lower(email))`), handle the duplicate-key error, and clean existing duplicates in the migration.',
    effort: 'hours',
  },
  applies: (ctx) => candidates(ctx).length > 0,
  detect(ctx) {
    const hits: Hit[] = [];
    for (const candidate of candidates(ctx)) {
      const password = candidate.fields.some((f) => PASSWORD_FIELD.test(f.name));
      const account = ACCOUNT_MODEL.test(candidate.owner) || password;
      for (const field of candidate.fields) {
        const key = (account && LOGIN_KEY.test(field.name)) || (DOCUMENT_MODEL.test(candidate.owner) && DOCUMENT_KEY.test(field.name));
        if (!key || candidate.uniques.some((columns) => columns.some((c) => same(c, field.name)))) continue;
        hits.push({ file: candidate.file, line: field.line, message: `${candidate.owner}.${field.name} has no unique constraint: two rows can share one ${field.name}.` });
      }
    }
    return hits;
  },
});

function candidates(ctx: ProbeContext): Candidate[] {
  const list: Candidate[] = [];
  for (const m of prismaModels(ctx)) list.push({ file: m.file, owner: m.name, fields: m.fields.filter((f) => !f.list), uniques: m.uniques });
  for (const t of [...sqlTables(ctx), ...drizzleTables(ctx)]) list.push({ file: t.file, owner: t.name, fields: t.columns, uniques: t.uniques });
  for (const e of typeormEntities(ctx)) {
    list.push({ file: e.file, owner: e.name, fields: e.properties.filter((p) => /Column$/.test(p.kind)).map((p) => ({ name: p.name, line: p.declarationLine })), uniques: e.uniques });
  }
  for (const s of mongooseSchemas(ctx)) {
    const owner = s.models[0] ?? s.variable?.replace(/Schema$/, '') ?? '';
    // `email: { type: String, index: { unique: true } }` declares the index inside the path.
    const inline = s.fields.filter((f) => f.options && isUniqueIndex(propertyOf(f.options, 'index'))).map((f) => [f.name]);
    list.push({ file: s.file, owner, fields: s.fields, uniques: [...s.uniques, ...inline] });
  }
  return list;
}

function isUniqueIndex(index: ts.Expression | undefined): boolean {
  return !!index && ts.isObjectLiteralExpression(index) && propertyOf(index, 'unique')?.kind === ts.SyntaxKind.TrueKeyword;
}

/** `email_address` and `emailAddress` name the same column. */
function same(a: string, b: string): boolean {
  return a.replace(/_/g, '').toLowerCase() === b.replace(/_/g, '').toLowerCase();
}
