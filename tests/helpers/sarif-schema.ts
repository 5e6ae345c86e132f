import fs from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import AjvFormats from 'ajv-formats';

/**
 * The official SARIF 2.1.0 schema (a copy in the repository, see tests/fixtures/schemas/README.md),
 * compiled with a draft-04 validator; formats (uri, date-time…) are checked too, as code scanning does.
 */
export function sarifValidator(): (log: unknown) => string[] {
  const schema = JSON.parse(fs.readFileSync(path.resolve('tests/fixtures/schemas/sarif-2.1.0.json'), 'utf8'));
  // Both packages are CommonJS with a `default` export; under NodeNext that is the reliable handle.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  AjvFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string; params: unknown }) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}
