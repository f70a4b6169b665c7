// Collection items that repeat identifying values, refused as DMS refuses them
// (Ed-Fi-Alliance-OSS/Data-Management-Service src/dms/core/EdFi.DataManagementService.Core/Middleware/
// ArrayUniquenessValidationMiddleware.cs and ReferenceArrayUniquenessValidationMiddleware.cs; message from
// Utilities/ValidationErrorFactory.cs; values compared as strings, case-sensitively, as
// ApiSchema/Helpers/JsonHelpers.cs FindDuplicatesWithArrayPath does). A nested collection is checked within
// each parent item and keyed with that item's index: '$.addresses[0].periods'.

import { ARRAY_IDENTITIES } from './array-identities.ts';
import type { ValidationErrors } from './problem.ts';

/** One collection: the property names from the root (or the parent item) to each array, and the item key paths. */
export interface ArrayConstraint {
  arrays: string[];
  itemKeys: string[][];
}

/** The constraints of an endpoint, compiled once; [] when its items have no identifying values. */
export function arrayConstraintsFor(endpoint: string): ArrayConstraint[] {
  return Object.entries(ARRAY_IDENTITIES[endpoint] ?? {}).map(([scope, paths]) => ({
    arrays: scope.slice(2, -3).split('[*].'),
    itemKeys: paths.map((p) => p.slice(2).split('.')),
  }));
}

/** The first repeated item of each collection in `body`, or undefined when all are unique. */
export function checkArrayUniqueness(body: Record<string, unknown>, constraints: ArrayConstraint[]): ValidationErrors | undefined {
  let errors: ValidationErrors | undefined;
  for (const c of constraints) {
    const found = firstRepeat(body, c, 0, '$');
    if (found && !errors?.[found.key]) (errors ??= {})[found.key] = [found.message];
  }
  return errors;
}

function firstRepeat(node: unknown, c: ArrayConstraint, depth: number, prefix: string): { key: string; message: string } | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const name = c.arrays[depth];
  const items = (node as Record<string, unknown>)[name];
  if (!Array.isArray(items)) return undefined;
  const key = `${prefix}.${name}`;
  if (depth < c.arrays.length - 1) {
    for (let i = 0; i < items.length; i++) {
      const found = firstRepeat(items[i], c, depth + 1, `${key}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (items.length < 2) return undefined;
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const identity = c.itemKeys.map((segs) => valueText(items[i], segs)).join('||');
    if (seen.has(identity)) return { key, message: `The ${ordinal(i + 1)} item of the ${name} has the same identifying values as another item earlier in the list.` };
    seen.add(identity);
  }
  return undefined;
}

function valueText(item: unknown, segs: string[]): string {
  let node = item;
  for (const seg of segs) {
    if (typeof node !== 'object' || node === null) return '';
    node = (node as Record<string, unknown>)[seg];
  }
  return node === undefined || node === null ? '' : String(node);
}

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
