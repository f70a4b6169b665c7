// Document validation in DMS order: type coercion (coerce.ts), then types and required paths, key unification,
// collection item uniqueness (array-uniqueness.ts), then descriptor and document
// references (descriptor failures 400, document-only failures 409), then the natural key.

import { checkArrayUniqueness } from './array-uniqueness.ts';
import { coerceAndCheckTypes } from './coerce.ts';
import type { DmsVersion } from './options.ts';
import { findAll, getValue, hasArrays, isObject } from './json-path.ts';
import { problems, type Problem, type ValidationErrors } from './problem.ts';
import { EDUCATION_ORGANIZATIONS, descriptorEndpointFor } from './resources.ts';
import type { Resource, ResourceIndex } from './resource-index.ts';
import { KEY_SEPARATOR, keyPart, type Doc, type DocumentStore } from './store.ts';

export type Validation = { ok: true; key: string; refs: Doc[] } | { ok: false; problem: Problem };

const leaf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

function addError(errors: ValidationErrors, path: string, message: string): void {
  (errors[path] ??= []).push(message);
}

/** Validates (and coerces, in place) a body for `resource`; `dmsVersion` picks the 8.0 or 8.1 behaviour where they differ. */
export function validateDocument(
  resource: Resource,
  body: Record<string, unknown>,
  store: DocumentStore,
  resources: ResourceIndex,
  dmsVersion: DmsVersion = '8.1',
): Validation {
  // Coerced values are written into the body, so the natural key and the stored document use them.
  const typed = coerceAndCheckTypes(body, resource.scalars, dmsVersion === '8.0');
  if (typed.crashed) return { ok: false, problem: problems.systemError() };
  const shapeErrors = checkShape(resource, body);
  if (typed.types || shapeErrors) return { ok: false, problem: problems.dataValidation({ ...typed.types, ...shapeErrors }) };
  // Decimal ranges are a later step (ValidateDecimalMiddleware.cs), reported only for a schema-valid body.
  if (typed.decimals) return { ok: false, problem: problems.dataValidation(typed.decimals) };
  const unificationErrors = checkSameValues(resource, body);
  if (unificationErrors) return { ok: false, problem: problems.dataValidation(unificationErrors) };
  const repeatErrors = checkArrayUniqueness(body, resource.arrayConstraints);
  if (repeatErrors) return { ok: false, problem: problems.dataValidation(repeatErrors) };

  const refs: Doc[] = [];
  const descriptorErrors: ValidationErrors = {};
  resolveDescriptors(body, '$', resource, store, resources, refs, descriptorErrors);
  const referenceErrors = resolveReferences(resource, body, store, resources, refs);
  if (Object.keys(descriptorErrors).length > 0) {
    return { ok: false, problem: problems.descriptorNotFound({ ...descriptorErrors, ...referenceErrors }) };
  }
  if (Object.keys(referenceErrors).length > 0) return { ok: false, problem: problems.unresolvedReference(referenceErrors) };
  return { ok: true, key: naturalKey(resource, body), refs };
}

export function naturalKey(resource: Resource, body: Record<string, unknown>): string {
  if (resource.def.isDescriptor) return `${String(body.namespace)}#${String(body.codeValue)}`.toLowerCase();
  // join() gives a flat string; '+=' would build a rope that keeps the parsed request alive.
  return resource.identity.map((part) => keyPart(getValue(body, part.segs), part.isDescriptor)).join(KEY_SEPARATOR);
}

/** Missing required paths, empty required arrays, bad identity strings, incomplete references. */
function checkShape(resource: Resource, body: Record<string, unknown>): ValidationErrors | undefined {
  const errors: ValidationErrors = {};
  for (const { path, segs } of resource.required) {
    const value = getValue(body, segs);
    if (value === undefined || value === null) addError(errors, path, `${leaf(path)} is required.`);
    else if (Array.isArray(value) && value.length === 0) addError(errors, path, `${leaf(path)} must have at least 1 item.`);
  }
  if (resource.def.isDescriptor) trimDescriptorText(body, errors);
  for (const part of resource.identity) {
    if (resource.def.isDescriptor && part.name === 'codeValue') continue; // trimmed above
    checkPadding(getValue(body, part.segs), '$.' + part.segs.join('.'), part.name, errors);
  }
  // Required top-level strings carry the same no-padding pattern in DMS's ApiSchema (firstName "").
  if (!resource.def.isDescriptor) {
    for (const { path, segs } of resource.required) {
      if (segs.length === 1 && !resource.def.identity[segs[0]]) checkPadding(body[segs[0]], path, segs[0], errors);
    }
  }
  for (const r of resource.references) {
    for (const found of findAll(body, r.segs)) {
      if (!isObject(found.value)) {
        addError(errors, found.path, `${leaf(found.path)} must be an object.`);
        continue;
      }
      for (const field of Object.keys(r.def.keys)) {
        const v = found.value[field];
        if (v === undefined || v === null || v === '') addError(errors, `${found.path}.${field}`, `${field} is required.`);
      }
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/**
 * DMS's pattern on identity and required strings, worded as Validation/DocumentValidator.cs words it: only
 * the empty string is 'required'; whitespace-only is 'leading or trailing spaces' (IsEmptyString is exact).
 */
function checkPadding(value: unknown, path: string, name: string, errors: ValidationErrors): void {
  if (typeof value !== 'string') return;
  if (value === '') addError(errors, path, `${name} is required and should not be left empty.`);
  else if (value.trim() !== value) addError(errors, path, `${name} cannot contain leading or trailing spaces.`);
}

/**
 * A descriptor's codeValue and shortDescription are trimmed and stored trimmed, not refused
 * (DocumentValidator.cs PruneCodeValueWhitespaceData); left empty they fail the schema's minLength 1.
 */
function trimDescriptorText(body: Record<string, unknown>, errors: ValidationErrors): void {
  for (const name of ['codeValue', 'shortDescription']) {
    const value = body[name];
    if (typeof value !== 'string') continue;
    const trimmed = value.trim();
    if (trimmed !== value) body[name] = trimmed;
    if (trimmed === '') addError(errors, `$.${name}`, `${name} Value should be at least 1 characters`);
  }
}

function checkSameValues(resource: Resource, body: Record<string, unknown>): ValidationErrors | undefined {
  let errors: ValidationErrors | undefined;
  for (const group of resource.sameValues) {
    const present = group.map((p) => ({ path: p.path, values: findAll(body, p.segs).map((f) => keyPart(f.value, false)) }));
    const distinct = [...new Set(present.flatMap((p) => p.values))];
    if (distinct.length <= 1) continue;
    const name = leaf(group[0].path);
    const message = `All values supplied for '${name}' must match. Review all references (including those higher up in the resource's data) and align the following conflicting values: ${distinct.map((v) => `'${v}'`).join(', ')}`;
    errors ??= {};
    for (const p of present) if (p.values.length > 0) addError(errors, p.path, message);
  }
  return errors;
}

/** Every string property named '*Descriptor', at any depth outside references, must name an existing descriptor. */
function resolveDescriptors(
  node: unknown,
  path: string,
  resource: Resource,
  store: DocumentStore,
  resources: ResourceIndex,
  refs: Doc[],
  errors: ValidationErrors,
): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      if (typeof node[i] === 'object' && node[i] !== null) resolveDescriptors(node[i], `${path}[${i}]`, resource, store, resources, refs, errors);
    }
    return;
  }
  if (!isObject(node)) return;
  for (const name in node) {
    const value = node[name];
    if (typeof value === 'object' && value !== null) {
      // Descriptors inside a reference are part of its key; the reference check covers them.
      if (name.endsWith('Reference')) continue;
      resolveDescriptors(value, `${path}.${name}`, resource, store, resources, refs, errors);
    } else if (typeof value === 'string' && name.endsWith('Descriptor') && name.length > 10) {
      const descriptors = resources.get(descriptorEndpointFor(name, resource.def));
      const uri = value.toLowerCase();
      const found = descriptors && store.findByKey(descriptors, uri);
      if (found) refs.push(found);
      else addError(errors, `${path}.${name}`, `${descriptors?.def.resourceName ?? name} value '${uri}' does not exist.`);
    }
  }
}

function resolveReferences(resource: Resource, body: Record<string, unknown>, store: DocumentStore, resources: ResourceIndex, refs: Doc[]): ValidationErrors {
  const errors: ValidationErrors = {};
  for (const r of resource.references) {
    const occurrences = hasArrays(r.segs) ? findAll(body, r.segs) : presentAt(body, r);
    for (const { path, value } of occurrences) {
      const ref = value as Record<string, unknown>;
      const key = r.fieldsInKeyOrder.map((field) => keyPart(ref[field], field.endsWith('Descriptor'))).join(KEY_SEPARATOR);
      const target =
        r.def.target === EDUCATION_ORGANIZATIONS ? store.findEducationOrganization(key) : store.findByKey(resources.get(r.def.target)!, key);
      if (target) refs.push(target);
      else addError(errors, path, `The referenced ${r.targetName} item does not exist.`);
    }
  }
  return errors;
}

/** Fast path for the common reference outside arrays. */
function presentAt(body: Record<string, unknown>, r: Resource['references'][number]): { path: string; value: unknown }[] {
  const value = getValue(body, r.segs);
  return value === undefined || value === null ? [] : [{ path: r.def.path, value }];
}
