// Compiles the resource table once into lookup-ready form: paths split into segments, reference
// keys ordered like the target's natural key, query fields by lower-cased name.

import { arrayConstraintsFor, type ArrayConstraint } from './array-uniqueness.ts';
import { typeTreeFor, type TypeTree } from './coerce.ts';
import { compilePath, hasArrays, type Segments } from './json-path.ts';
import { EDUCATION_ORGANIZATIONS, KNOWN_DESCRIPTORS, RESOURCES, descriptorResource, type ReferenceDef, type ResourceDef } from './resources.ts';

export interface IdentityPart {
  name: string;
  segs: Segments;
  isDescriptor: boolean;
}

export interface CompiledReference {
  def: ReferenceDef;
  segs: Segments;
  /** Reference property names in the order of the target's identity parts. */
  fieldsInKeyOrder: string[];
  /** Target resource name for messages ('School', 'EducationOrganization'). */
  targetName: string;
}

export interface QueryField {
  name: string;
  segs: Segments;
  isDescriptor: boolean;
  /** Position among the natural-key parts: the value can be read from the stored key without parsing. */
  identityIndex?: number;
}

export interface Resource {
  def: ResourceDef;
  required: { path: string; segs: Segments }[];
  identity: IdentityPart[];
  references: CompiledReference[];
  sameValues: { path: string; segs: Segments }[][];
  /** Fields usable as query filters: identity parts and reference key fields (top-level scalars are added as seen). */
  queryFields: Map<string, QueryField>;
  /** Declared scalar types of the body's properties (scalar-types.ts), for coercion and type checks. */
  scalars: TypeTree;
  /** Collections whose items must differ in their identifying values (array-identities.ts). */
  arrayConstraints: ArrayConstraint[];
}

const EDORG_IDENTITY: IdentityPart[] = [{ name: 'educationOrganizationId', segs: ['educationOrganizationId'], isDescriptor: false }];

const isDescriptorName = (name: string): boolean => name.endsWith('Descriptor');

function compile(def: ResourceDef, identityOf: (endpoint: string) => IdentityPart[] | undefined): Resource {
  const identity = Object.entries(def.identity).map(([name, path]) => {
    const segs = compilePath(path);
    return { name, segs, isDescriptor: isDescriptorName(segs[segs.length - 1]) };
  });
  const references = def.references.map((r) => {
    const targetIdentity = identityOf(r.target);
    if (!targetIdentity) throw new Error(`resource table: ${def.endpoint} references unknown resource ${r.target}`);
    const byPart = new Map(Object.entries(r.keys).map(([field, part]) => [part, field]));
    const fieldsInKeyOrder = targetIdentity.map((part) => {
      const field = byPart.get(part.name);
      if (!field) throw new Error(`resource table: ${def.endpoint} ${r.path} does not map ${r.target} key part ${part.name}`);
      return field;
    });
    return { def: r, segs: compilePath(r.path), fieldsInKeyOrder, targetName: targetResourceName(r.target) };
  });
  const queryFields = new Map<string, QueryField>();
  const addField = (name: string, segs: Segments, identityIndex?: number): void => {
    if (hasArrays(segs) || queryFields.has(name.toLowerCase())) return;
    queryFields.set(name.toLowerCase(), { name, segs, isDescriptor: isDescriptorName(name), identityIndex });
  };
  // Descriptor keys are 'namespace#codevalue', not separated parts.
  identity.forEach((part, i) => addField(part.name, part.segs, def.isDescriptor ? undefined : i));
  for (const r of references) for (const field of Object.keys(r.def.keys)) addField(field, [...r.segs, field]);
  return {
    def,
    required: def.required.map((path) => ({ path, segs: compilePath(path) })),
    identity,
    references,
    sameValues: def.sameValues.map((group) => group.map((path) => ({ path, segs: compilePath(path) }))),
    queryFields,
    scalars: typeTreeFor(def.isDescriptor ? 'descriptor' : def.endpoint),
    arrayConstraints: def.isDescriptor ? [] : arrayConstraintsFor(def.endpoint),
  };
}

function targetResourceName(target: string): string {
  if (target === EDUCATION_ORGANIZATIONS) return 'EducationOrganization';
  return RESOURCES.find((r) => r.endpoint === target)?.resourceName ?? target;
}

/** Endpoint lookup (case-insensitive, as DMS's caseInsensitiveEndpointNameMapping). */
export class ResourceIndex {
  private byLowerName = new Map<string, Resource>();
  readonly all: Resource[];

  constructor(defs: ResourceDef[] = RESOURCES) {
    const identities = new Map<string, IdentityPart[]>([[EDUCATION_ORGANIZATIONS, EDORG_IDENTITY]]);
    for (const def of defs) {
      identities.set(
        def.endpoint,
        Object.entries(def.identity).map(([name, path]) => ({ name, segs: compilePath(path), isDescriptor: isDescriptorName(name) })),
      );
    }
    this.all = defs.map((def) => compile(def, (e) => identities.get(e)));
    for (const r of this.all) this.byLowerName.set(r.def.endpoint.toLowerCase(), r);
  }

  /** The resource for an endpoint name; any '*Descriptors' name gets a generic descriptor resource. */
  get(endpoint: string): Resource | undefined {
    const lower = endpoint.toLowerCase();
    const found = this.byLowerName.get(lower);
    if (found || !lower.endsWith('descriptors') || lower.length <= 'descriptors'.length) return found;
    // Canonical casing: the known name, else as written with the first letter lower-cased.
    const canonical = KNOWN_DESCRIPTORS.find((d) => d.toLowerCase() === lower) ?? endpoint.charAt(0).toLowerCase() + endpoint.slice(1);
    const r = compile(descriptorResource(canonical), () => undefined);
    this.byLowerName.set(lower, r);
    return r;
  }
}
