import type { SourceFile } from '../../repo/view.js';
import type { ProbeContext } from '../context.js';
import { calleeName, findNodes, lineOf, ts } from '../support/ast.js';
import { prismaModels } from '../support/prisma.js';
import { defineProbe, type Hit } from '../types.js';

const PERSON_MODEL = /^(?:App)?(?:User|Customer|Member|Profile|Person|People|Patient|Client|Contact|Subscriber|Employee|Student|Guest|Lead|Account)s?$/;
const PII_FIELD = /^(?:e?mail|emailAddress|phone|phoneNumber|mobile|address|address(?:Line)?\d|street|streetAddress|postalCode|postcode|zip|zipCode|dateOfBirth|dob|birthDate|birthday|firstName|lastName|fullName|name|ssn|nationalId|taxId|passportNumber|ipAddress|lastIp)$/i;
/** Functions that delete, anonymise or export a person's data, by name (including auth providers' `deleteUser`). */
const ERASURE_NAME = /^(?:delete|remove|destroy|erase|purge|close|deactivate|anonymi[sz]e)(?:Me|Self|My[A-Z]\w*|User|Account|Customer|Patient|Person|Profile)s?(?:[A-Z]\w*)?$|[Aa]nonymi[sz]|[Gg]dpr(?:Delete|Erase|Export|Request)|[Ee]rasure|rightToBeForgotten|^export(?:User|Account|My|Personal)|[Dd]ataExport/;
const DELETES = /^(?:delete|deleteMany|deleteOne|remove|softDelete|softRemove|destroy|findByIdAndDelete|findOneAndDelete)$/;
const ERASURE_PATH = /gdpr|erasure|export|delete-account|close-account|deletion|data-request|privacy/i;
const PERSON_SEGMENT = /^(?:me|self|account|accounts|profile|users?|customers?|members?|patients?)$/i;

interface PersonModel {
  readonly file: SourceFile;
  readonly line: number;
  readonly name: string;
  readonly fields: string[];
}

export default defineProbe({
  meta: {
    id: 'pii-without-deletion-path',
    title: 'Personal data with no way to delete or export it',
    category: 'Data Lifecycle',
    severity: 'MEDIUM',
    phase: 4,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A user-like Prisma or TypeORM model stores personal data (email, phone, address, date of birth, name) and the application has no route or code that deletes, anonymises or exports a user.',
    impact: 'Erasure and access requests (GDPR, CCPA) can only be served by hand-written SQL against production, which is slow, error-prone and leaves personal data behind in related tables.',
    remediation: 'Add an account deletion path (a DELETE /me or admin erasure job) that deletes or anonymises the user and their related rows, plus a data export, and test both.',
    effort: 'days',
  },
  applies: (ctx) => ctx.routes().length > 0 && personModels(ctx).length > 0,
  detect(ctx) {
    const roots = packageRoots(ctx);
    const hits: Hit[] = [];
    const reported = new Set<string>();
    // The preferred model (`User`) first, so each package reports once at its main person model.
    const models = personModels(ctx).sort((a, b) => Number(/^User$/.test(b.name)) - Number(/^User$/.test(a.name)));
    for (const model of models) {
      const root = rootOf(model.file.path, roots);
      if (reported.has(root)) continue;
      reported.add(root);
      const others = models.filter((m) => m !== model && rootOf(m.file.path, roots) === root).map((m) => m.name);
      // A schema package without routes of its own is served by the rest of the repository.
      const local = ctx.routes().some((r) => rootOf(r.file.path, roots) === root);
      const inScope = (path: string): boolean => !local || rootOf(path, roots) === root;
      if (hasErasurePath(ctx, inScope)) continue;
      hits.push({ file: model.file, line: model.line, message: `${model.name} stores personal data (${model.fields.slice(0, 5).join(', ')}) and nothing in the application deletes, anonymises or exports a ${model.name.toLowerCase()}${others.length ? ` (nor ${others.join(', ')})` : ''}.` });
    }
    return hits;
  },
});

function personModels(ctx: ProbeContext): PersonModel[] {
  const models: PersonModel[] = [];
  for (const model of prismaModels(ctx)) {
    const fields = model.fields.map((f) => f.name).filter((name) => PII_FIELD.test(name));
    if (PERSON_MODEL.test(model.name) && fields.length > 0) models.push({ file: model.file, line: model.line, name: model.name, fields });
  }
  // TypeORM: `@Entity() class User { @Column() email: string }`.
  for (const file of ctx.scripts(['@Entity'])) {
    for (const cls of findNodes(ctx.ast(file), ts.isClassDeclaration)) {
      const decorators = ts.getDecorators(cls) ?? [];
      if (!cls.name || !PERSON_MODEL.test(cls.name.text) || !decorators.some((d) => /^Entity\b/.test(d.expression.getText()))) continue;
      const fields = cls.members.filter((m) => ts.isPropertyDeclaration(m) && (ts.getDecorators(m) ?? []).some((d) => /Column\b/.test(d.expression.getText()))).map((m) => m.name?.getText() ?? '').filter((n) => PII_FIELD.test(n));
      if (fields.length > 0) models.push({ file, line: lineOf(decorators[0]!), name: cls.name.text, fields });
    }
  }
  return models;
}

function hasErasurePath(ctx: ProbeContext, inScope: (path: string) => boolean): boolean {
  const routes = ctx.routes().filter((r) => inScope(r.file.path));
  if (routes.some((r) => ERASURE_PATH.test(r.path))) return true;
  if (routes.some((r) => r.method === 'DELETE' && PERSON_SEGMENT.test(r.path.split('/').filter((s) => s && !/^[:[{*]/.test(s)).at(-1) ?? ''))) return true;
  return ctx.scripts().some((file) => {
    if (!inScope(file.path)) return false;
    const sf = ctx.ast(file);
    if (findNodes(sf, ts.isIdentifier).some((id) => ERASURE_NAME.test(id.text))) return true;
    // `prisma.user.delete(...)`, `userRepository.remove(user)`, `User.destroy(...)`.
    return findNodes(sf, ts.isCallExpression).some((call) => {
      const parts = calleeName(call).split('.');
      // `users.delete('/:id', handler)` registers a route; routes were judged above.
      if (call.arguments[0] && ts.isStringLiteralLike(call.arguments[0])) return false;
      return DELETES.test(parts.at(-1) ?? '') && PERSON_MODEL.test(capitalise((parts.at(-2) ?? '').replace(/Repo(?:sitory)?$|Model$/, '')));
    });
  });
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function packageRoots(ctx: ProbeContext): string[] {
  return ctx.view.files.filter((f) => f.path === 'package.json' || f.path.endsWith('/package.json')).map((f) => f.path.slice(0, -'package.json'.length));
}

/** The directory of the nearest package.json above `path` ('' for the repository root). */
function rootOf(path: string, roots: readonly string[]): string {
  return roots.filter((root) => path.startsWith(root)).sort((a, b) => b.length - a.length)[0] ?? '';
}
