// JSON Schema (2020-12) validation for the tests of docs/schemas/*.json, with ajv in strict mode: a keyword
// ajv does not know is an error, so no rule of a schema can be silently ignored.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';

type Schema = Record<string, unknown> | boolean;

/** Errors of `value` against `schema` ('/path: what'), [] when valid. Throws when the schema itself is invalid. */
export function validate(schema: Schema, value: unknown): string[] {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  const check = ajv.compile(schema);
  if (check(value)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Validates files against a schema: `node --import tsx test/tools/helpers/json-schema.ts SCHEMA FILE...`; exit 1 with the errors. */
function main(argv: string[]): number {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true });
  const [schemaFile, ...files] = positionals;
  if (!schemaFile || files.length === 0) {
    process.stderr.write('usage: json-schema.ts SCHEMA FILE...\n');
    return 2;
  }
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Schema;
  let failed = 0;
  for (const file of files) {
    const errors = validate(schema, JSON.parse(readFileSync(file, 'utf8')));
    for (const e of errors.slice(0, 20)) process.stderr.write(`${file}: ${e}\n`);
    if (errors.length > 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && /helpers[\\/]json-schema\.ts$/.test(process.argv[1])) process.exitCode = main(process.argv.slice(2));
