// Type coercion and scalar type checks of a request body, as DMS runs them before its schema validation:
// slash dates to ISO-8601 (Middleware/CoerceDateFormatMiddleware.cs), then booleans, integers and decimals
// sent as strings, and 0/1 for booleans (Middleware/CoerceRequestValuesMiddleware.cs with
// ApiSchema/Helpers/JsonHelpers.cs TryCoerceToBoolean, TryCoerceStringToNumber, TryCoerceStringToDecimal).
// A value that does not coerce is refused as the JSON Schema check in Validation/DocumentValidator.cs words
// it: key '$.' + the property name, message '<name> Value is "string" but should be "boolean"'.
// The tree holds every property the resource's schema accepts, so the same walk drops over-posted ones.
// A plain student costs a few map look-ups and allocates nothing unless a value is rewritten or refused.

import { SCALAR_TYPES } from './scalar-types.ts';
import type { ValidationErrors } from './problem.ts';

type Scalar =
  | { kind: 'boolean' | 'integer' | 'date' | 'date-time' | 'time' }
  | { kind: 'decimal'; precision: number; scale: number; path: string; range: string; max: number }
  | { kind: 'string'; maxLength?: number };

/** Property name -> its scalar type and/or the typed properties below it (objects and array items alike). */
export type TypeTree = Map<string, { scalar?: Scalar; children?: TypeTree }>;

const trees = new Map<string, TypeTree>();

/** The compiled type tree for an endpoint ('descriptor' for any descriptor); empty when the table has none. */
export function typeTreeFor(endpoint: string): TypeTree {
  let tree = trees.get(endpoint);
  if (!tree) {
    tree = new Map();
    for (const [path, name] of Object.entries(SCALAR_TYPES[endpoint] ?? {})) addPath(tree, path, parseScalar(name, path));
    trees.set(endpoint, tree);
  }
  return tree;
}

function parseScalar(name: string, path: string): Scalar {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(name);
  if (decimal) {
    const [precision, scale] = [Number(decimal[1]), Number(decimal[2])];
    // DecimalValidator.cs: 10^(precision-scale) - 10^-scale, both signs, printed as .NET prints a decimal.
    const max = (10 ** (precision - scale) - 10 ** -scale).toFixed(scale);
    return { kind: 'decimal', precision, scale, path, range: `between -${max} and ${max}`, max: Number(max) };
  }
  const str = /^string(?:\((\d+)\))?$/.exec(name);
  if (str) return { kind: 'string', maxLength: str[1] === undefined ? undefined : Number(str[1]) };
  if (name === 'boolean' || name === 'integer' || name === 'date' || name === 'date-time' || name === 'time') return { kind: name };
  throw new Error(`scalar type table: unknown type '${name}'`);
}

function addPath(tree: TypeTree, path: string, scalar: Scalar): void {
  const names = path.slice(2).replace(/\[\*\]/g, '').split('.');
  let node = tree;
  names.forEach((name, i) => {
    let entry = node.get(name);
    if (!entry) node.set(name, (entry = {}));
    if (i === names.length - 1) entry.scalar = scalar;
    else node = entry.children ??= new Map();
  });
}

/** What coerceAndCheckTypes found; members are absent when there is nothing to report. */
export interface TypeCheck {
  /** Type, format and length errors, reported with the required-path errors (one schema evaluation). */
  types?: ValidationErrors;
  /** Decimal range errors, reported only for an otherwise valid body (ValidateDecimalMiddleware.cs). */
  decimals?: ValidationErrors;
  /** 8.0 only: an object or array at a coerced path, where 8.0's JsonHelpers.cs AsValue() throws (a 500). */
  crashed?: boolean;
}

/**
 * Rewrites coercible values of `body` in place (DMS stores the coerced value), deletes over-posted
 * properties at any depth (Validation/DocumentValidator.cs PruneOverpostedData), and reports type errors
 * keyed as DMS keys them. `objectsCrash`: DMS 8.0, whose coercion helpers throw on an object or array
 * (8.1 guards them and lets the schema refuse). An empty tree (no type table) leaves the body as sent.
 */
export function coerceAndCheckTypes(body: Record<string, unknown>, tree: TypeTree, objectsCrash = false): TypeCheck {
  const found: TypeCheck = {};
  if (tree.size > 0) walk(body, tree, found, objectsCrash);
  return found;
}

function walk(node: Record<string, unknown>, tree: TypeTree, found: TypeCheck, objectsCrash: boolean): void {
  for (const name in node) {
    const entry = tree.get(name);
    if (entry === undefined) {
      // Over-posted: DMS's schema has additionalProperties false at every level and prunes them.
      delete node[name];
      continue;
    }
    const value = node[name];
    if (entry.scalar !== undefined) {
      if (value === null || value === undefined) continue;
      if (objectsCrash && typeof value === 'object' && COERCED.has(entry.scalar.kind)) found.crashed = true;
      const coerced = coerce(entry.scalar, value);
      if (coerced !== value) node[name] = coerced;
      const error = typeError(entry.scalar, coerced);
      if (error) ((found.types ??= {})[`$.${name}`] ??= []).push(`${name} ${error}`);
      else if (entry.scalar.kind === 'decimal' && Math.abs(coerced as number) > entry.scalar.max) {
        // Keyed by the schema path, as ValidateDecimalMiddleware.cs reports it.
        ((found.decimals ??= {})[entry.scalar.path] ??= []).push(`${entry.scalar.path.slice(2)} must be ${entry.scalar.range}.`);
      }
    } else if (entry.children !== undefined) {
      if (Array.isArray(value)) {
        for (const item of value) if (isRecord(item)) walk(item, entry.children, found, objectsCrash);
      } else if (isRecord(value)) walk(value, entry.children, found, objectsCrash);
    }
  }
}

/** The kinds DMS's coercion middlewares visit (boolean, numeric, date and date-time paths). */
const COERCED = new Set(['boolean', 'integer', 'decimal', 'date', 'date-time']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// .NET's long.TryParse (NumberStyles.Integer) and decimal.TryParse (NumberStyles.Number) accept these.
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DECIMAL_TEXT = /^\s*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)\s*$/;
const SLASH_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})$/;

function coerce(type: Scalar, value: unknown): unknown {
  switch (type.kind) {
    case 'boolean':
      if (typeof value === 'string') {
        const text = value.trim();
        const lower = text.toLowerCase();
        if (lower === 'true' || text === '1') return true;
        if (lower === 'false' || text === '0') return false;
      } else if (value === 0 || value === 1) return value === 1;
      return value;
    case 'integer':
      if (typeof value !== 'string') return value;
      // TryCoerceStringToNumber: with a '.', double.TryParse (kept even when not whole: the schema refuses it).
      if (value.includes('.')) return DECIMAL_TEXT.test(value) ? Number(value.replace(/,/g, '')) : value;
      return INTEGER_TEXT.test(value) ? Number(value) : value;
    case 'decimal':
      return typeof value === 'string' && DECIMAL_TEXT.test(value) ? Number(value.replace(/,/g, '')) : value;
    case 'date':
    case 'date-time':
      return typeof value === 'string' && value.includes('/') ? slashDateToIso(value) : value;
    default:
      return value;
  }
}

/** TryCoerceSlashDateToIso8601: 'M/d/yyyy' (then 'd/M/yyyy'; two-digit years up to 49 are 20xx) -> 'yyyy-MM-dd', a time part kept. */
function slashDateToIso(value: string): string {
  const space = value.indexOf(' ');
  const datePart = space < 0 ? value : value.slice(0, space);
  const m = SLASH_DATE.exec(datePart);
  if (!m) return value;
  const year = m[3].length === 2 ? (Number(m[3]) <= 49 ? 2000 : 1900) + Number(m[3]) : Number(m[3]);
  const iso = isoDate(year, Number(m[1]), Number(m[2])) ?? isoDate(year, Number(m[2]), Number(m[1]));
  if (!iso) return value;
  return space < 0 ? iso : iso + value.slice(space);
}

function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** JSON Schema type name as JsonSchema.Net reports it. */
function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return value === null ? 'null' : typeof value;
}

/** JsonSchema.Net's default messages for 'type' and 'format', which DocumentValidator.cs prefixes with the name. */
function typeError(type: Scalar, value: unknown): string | undefined {
  let expected: string;
  switch (type.kind) {
    case 'boolean':
      expected = 'boolean';
      break;
    case 'integer':
      expected = 'integer';
      break;
    case 'decimal':
      expected = 'number';
      break;
    default:
      expected = 'string';
  }
  const actual = jsonType(value);
  if (actual !== expected && !(expected === 'number' && actual === 'integer')) return `Value is "${actual}" but should be "${expected}"`;
  if (type.kind === 'string' && type.maxLength !== undefined && (value as string).length > type.maxLength) {
    return `Value is not shorter than or equal to ${type.maxLength} characters`;
  }
  if (type.kind === 'date') {
    const m = FULL_DATE.exec(value as string);
    if (!m || !isoDate(Number(m[1]), Number(m[2]), Number(m[3]))) return 'Value does not match format "date"';
  }
  return undefined;
}
