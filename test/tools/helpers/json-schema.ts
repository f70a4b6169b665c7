// A minimal JSON Schema (2020-12) checker for the tests of docs/schemas/*.json, until the lead approves a
// validator library (ajv). It knows exactly the keywords those schemas use and refuses a schema with any
// other, so a keyword it would silently ignore can never make a test pass.

type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$comment', '$defs']);
const KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'enum',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'pattern',
  '$ref',
  'anyOf',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Errors of `value` against `schema` ('/path: what'), [] when valid. Throws on a keyword it does not know. */
export function validate(schema: Schema, value: unknown, root: Schema = schema, path = ''): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path || '/'}: not allowed here`];
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key) && !KEYWORDS.has(key)) throw new Error(`the schema uses '${key}' at ${path || '/'}, which this checker does not know`);
  }
  const at = path || '/';
  const errors: string[] = [];
  if (typeof schema.$ref === 'string') {
    const match = /^#\/\$defs\/([^/]+)$/.exec(schema.$ref);
    if (!match || typeof root !== 'object') throw new Error(`unsupported $ref ${schema.$ref}`);
    const target = (root.$defs as Record<string, Schema> | undefined)?.[match[1]];
    if (target === undefined) throw new Error(`$ref ${schema.$ref} names no definition`);
    errors.push(...validate(target, value, root, path));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(value, t))) return [...errors, `${at}: ${JSON.stringify(value)?.slice(0, 60)} is not ${types.join(' or ')}`];
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => equal(e, value))) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && !equal(schema.const, value)) errors.push(`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: ${value} < ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: ${value} > ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${at}: '${value}' does not match ${schema.pattern}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => errors.push(...validate(schema.items as Schema, item, root, `${path}/${i}`)));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) errors.push(`${at}: '${name}' is missing`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, item] of Object.entries(object)) {
      const where = `${path}/${name}`;
      if (schema.propertyNames !== undefined) errors.push(...validate(schema.propertyNames as Schema, name, root, `${where} (name)`));
      if (name in properties) errors.push(...validate(properties[name], item, root, where));
      else if (schema.additionalProperties !== undefined) errors.push(...validate(schema.additionalProperties as Schema, item, root, where));
    }
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as Schema[]).map((s) => validate(s, value, root, path));
    if (!branches.some((b) => b.length === 0)) errors.push(`${at}: matches none of anyOf (${branches.map((b) => b[0]).join('; ')})`);
  }
  return errors;
}

/** Validates files against a schema: `node --import tsx test/tools/helpers/json-schema.ts SCHEMA FILE...`; exit 1 with the errors. */
async function main(argv: string[]): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const [schemaFile, ...files] = argv;
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

if (process.argv[1] && /helpers[\\/]json-schema\.ts$/.test(process.argv[1])) process.exitCode = await main(process.argv.slice(2));
