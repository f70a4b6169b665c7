// Claim sets on data calls, as DMS authorizes them (SIM_AUTHORIZATION=claim-sets). Sources, in
// Ed-Fi-Alliance-OSS/Data-Management-Service:
// - which action on which resource, with which strategy: src/config/backend/EdFi.DmsConfigurationService.Backend/
//   Claims/Standards/ds52/Claims.json (claim sets EdFiSandbox, SISVendor, E2E-NoFurtherAuthRequiredClaimSet),
//   for the resources this stand-in serves;
// - the 403/500 answers: src/dms/core/EdFi.DataManagementService.Core/Middleware/ResourceActionAuthorizationMiddleware.cs,
//   Response/RelationshipAuthorizationProblemDetails.cs, Response/NamespaceAuthorizationFailureResponse.cs;
// - 8.1: no E2E-* claim sets on a new database, a POST that finds a document is an Update (docs/changelog/8.1.0.md).
// Simplifications (docs/dms-sim.md): securable elements are the natural-key parts named like education
// organization ids, studentUniqueId and staffUniqueId; a student relates to an education organization
// through a StudentSchoolAssociation, a staff member through a StaffEducationOrganizationAssignmentAssociation.

import type { Application, ClientRegistry } from './clients.ts';
import type { DmsVersion } from './options.ts';
import type { Problem } from './problem.ts';
import type { Resource, ResourceIndex } from './resource-index.ts';
import { getValue } from './json-path.ts';
import { keyPart, type Doc, type DocumentStore } from './store.ts';

export type Action = 'Create' | 'Read' | 'Update' | 'Delete';
export type Strategy = 'NoFurtherAuthorizationRequired' | 'NamespaceBased' | 'RelationshipsWithEdOrgsOnly' | 'RelationshipsWithEdOrgsAndPeople';
type Grants = Partial<Record<Action, Strategy>>;

const NONE: Strategy = 'NoFurtherAuthorizationRequired';
const REL: Strategy = 'RelationshipsWithEdOrgsAndPeople';
const EDORGS_ONLY: Strategy = 'RelationshipsWithEdOrgsOnly';
const NS: Strategy = 'NamespaceBased';

const all = (s: Strategy): Grants => ({ Create: s, Read: s, Update: s, Delete: s });
const READ_ONLY: Grants = { Read: NONE };
/** Claims.json domains, as the two shipped claim sets grant them. */
const SANDBOX = {
  descriptors: { Create: NS, Read: NONE, Update: NS, Delete: NS },
  edFiTypes: READ_ONLY,
  educationOrganizations: all(NONE),
  people: { Create: NONE, Read: REL, Update: REL, Delete: NONE },
  relationshipBasedData: all(REL),
  primaryRelationships: { Create: EDORGS_ONLY, Read: REL, Update: REL, Delete: REL },
} satisfies Record<string, Grants>;
const SIS_VENDOR = { ...SANDBOX, descriptors: READ_ONLY, educationOrganizations: READ_ONLY };
/** SISVendor may write these descriptors (Claims.json 'managedDescriptors'); the other ('system') ones only read. */
const MANAGED_DESCRIPTORS = new Set(['reasonNotTestedDescriptors', 'accommodationDescriptors', 'assessmentPeriodDescriptors', 'assessmentReportingMethodDescriptors', 'performanceLevelDescriptors']);
/** The descriptors E2E-NoFurtherAuthRequiredClaimSet does not cover among those the suite uses. */
const E2E_UNCOVERED = new Set(['stateEducationAgencies', 'staffSchoolAssociations', 'staffSectionAssociations', 'staffEducationOrganizationAssignmentAssociations', 'classroomPositionDescriptors', 'staffClassificationDescriptors']);

const DOMAIN_OF: Record<string, keyof typeof SANDBOX> = {
  schoolYearTypes: 'edFiTypes',
  stateEducationAgencies: 'educationOrganizations',
  localEducationAgencies: 'educationOrganizations',
  schools: 'educationOrganizations',
  students: 'people',
  staffs: 'people',
  studentSchoolAssociations: 'primaryRelationships',
  staffEducationOrganizationAssignmentAssociations: 'primaryRelationships',
};

export const E2E_CLAIM_SET = 'E2E-NoFurtherAuthRequiredClaimSet';

/** The grants of a claim set on a resource; undefined: the claim set does not exist in this DMS version. */
export function grantsOf(claimSet: string, endpoint: string, version: DmsVersion): Grants | undefined {
  const domain = endpoint.endsWith('Descriptors') ? 'descriptors' : (DOMAIN_OF[endpoint] ?? 'relationshipBasedData');
  switch (claimSet) {
    case 'EdFiSandbox':
      return SANDBOX[domain];
    case 'SISVendor':
      return domain === 'descriptors' && MANAGED_DESCRIPTORS.has(endpoint) ? SANDBOX.descriptors : SIS_VENDOR[domain];
    case E2E_CLAIM_SET:
      // 8.1 no longer installs the E2E-* claim sets on a new database.
      if (version === '8.1') return undefined;
      return E2E_UNCOVERED.has(endpoint) ? {} : all(NONE);
    default:
      return undefined;
  }
}

/** The caller's claims, read from its application and vendor (DMS puts them into the token). */
export interface ClientClaims {
  claimSet: string;
  educationOrganizationIds: number[];
  namespacePrefixes: string[];
}

export function claimsOf(app: Application, clients: ClientRegistry): ClientClaims {
  const prefixes = clients.vendors.get(app.vendorId)?.namespacePrefixes ?? '';
  return {
    claimSet: app.claimSetName,
    educationOrganizationIds: app.educationOrganizationIds,
    namespacePrefixes: prefixes.split(',').map((p) => p.trim()).filter(Boolean),
  };
}

const FORBIDDEN = 'urn:ed-fi:api:security:authorization';
const PROBLEM = { problemContentType: true } as const;

/** 500 for a claim set DMS does not have (ResourceActionAuthorizationMiddleware.CreateMissingSecurityMetadataResponse). */
export const unknownClaimSet = (): Problem => ({
  status: 500,
  type: 'urn:ed-fi:api:system:configuration:security',
  title: 'Security Configuration Error',
  detail: 'A security configuration problem was detected. The request cannot be authorized.',
  errors: ['No security metadata has been configured for this resource.'],
  ...PROBLEM,
});

/** 403 for an action the claim set does not grant on the resource (CreateActionDeniedResponse); no grant at all: CreateForbiddenResponse. */
export function actionDenied(claims: ClientClaims, action: Action, resource: Resource, grants: Grants): Problem {
  if (Object.keys(grants).length === 0) {
    return { status: 403, type: `${FORBIDDEN}:`, title: 'Authorization Denied', detail: 'Access to the resource could not be authorized.', errors: [], ...PROBLEM };
  }
  return {
    status: 403,
    type: `${FORBIDDEN}:access-denied:action`,
    title: 'Authorization Denied',
    detail: 'Access to the resource could not be authorized.',
    errors: [
      `The API client's assigned claim set (currently '${claims.claimSet}') must grant permission of the '${action}' action on one of the following resource claims: ${resource.def.resourceName}`,
    ],
    ...PROBLEM,
  };
}

const EDORG_ELEMENTS = new Set(['schoolId', 'educationOrganizationId', 'localEducationAgencyId', 'stateEducationAgencyId']);
const readable = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * Checks one document body against the strategy: undefined when authorized, else DMS's 403 problem.
 * `body` is the proposed body (Create, Update) or the stored one (Read, Update, Delete).
 */
export class RelationshipAuthorizer {
  constructor(
    private readonly store: DocumentStore,
    private readonly resources: ResourceIndex,
  ) {}

  check(strategy: Strategy, claims: ClientClaims, resource: Resource, body: Record<string, unknown>, stored: boolean): Problem | undefined {
    if (strategy === NONE) return undefined;
    if (strategy === NS) return this.checkNamespace(claims, body, stored);
    const failed: string[] = [];
    for (const part of resource.identity) {
      const value = getValue(body, part.segs);
      if (value === undefined) continue;
      const id = keyPart(value, false);
      if (EDORG_ELEMENTS.has(part.name) && !resource.def.isEducationOrganization) {
        if (!this.edOrgAuthorized(id, claims)) failed.push(readable(part.name));
      } else if (strategy === REL && part.name === 'studentUniqueId') {
        if (!this.personAuthorized('studentSchoolAssociations', 'studentUniqueId', id, claims)) failed.push('StudentUniqueId');
      } else if (strategy === REL && part.name === 'staffUniqueId') {
        if (!this.personAuthorized('staffEducationOrganizationAssignmentAssociations', 'staffUniqueId', id, claims)) failed.push('StaffUniqueId');
      }
    }
    return failed.length === 0 ? undefined : noRelationship(claims, failed);
  }

  /** Keeps the documents of a collection the caller may read. */
  readable(strategy: Strategy, claims: ClientClaims, resource: Resource): ((doc: Doc) => boolean) | undefined {
    if (strategy === NONE || strategy === NS) return undefined;
    return (doc) => this.check(strategy, claims, resource, JSON.parse(doc.body) as Record<string, unknown>, true) === undefined;
  }

  private checkNamespace(claims: ClientClaims, body: Record<string, unknown>, stored: boolean): Problem | undefined {
    const ns = body.namespace;
    if (typeof ns === 'string' && claims.namespacePrefixes.some((p) => ns.startsWith(p))) return undefined;
    const prefixes = claims.namespacePrefixes.map((p) => `'${p}'`).join(', ');
    return {
      status: 403,
      type: `${FORBIDDEN}:namespace:access-denied:namespace-mismatch`,
      title: 'Authorization Denied',
      detail: `Access to the requested data could not be authorized. The ${stored ? 'existing ' : ''}'Namespace' value of the data does not start with any of the caller's associated namespace prefixes (${prefixes}).`,
      errors: [],
    };
  }

  /** The education organization is one of the claims or below one (school -> LEA -> SEA, through its references). */
  private edOrgAuthorized(id: string, claims: ClientClaims): boolean {
    const claimed = new Set(claims.educationOrganizationIds.map(String));
    const seen = new Set<Doc>();
    let frontier: Doc[] = [];
    if (claimed.has(id)) return true;
    const start = this.store.findEducationOrganization(id);
    if (start) frontier = [start];
    while (frontier.length > 0) {
      const next: Doc[] = [];
      for (const doc of frontier) {
        if (seen.has(doc)) continue;
        seen.add(doc);
        if (claimed.has(doc.key)) return true;
        for (const parent of doc.refs ?? []) if (parent.table.resource.def.isEducationOrganization) next.push(parent);
      }
      frontier = next;
    }
    return false;
  }

  /** A person relates to the claims through an association document whose education organization is authorized. */
  private personAuthorized(endpoint: string, field: string, id: string, claims: ClientClaims): boolean {
    const resource = this.resources.get(endpoint);
    const queryField = resource?.queryFields.get(field.toLowerCase());
    if (!resource || !queryField) return false;
    const { docs } = this.store.query(this.store.table(resource), [{ field: queryField, value: id }], { offset: 0, limit: Number.MAX_SAFE_INTEGER });
    return docs.some((assoc) => (assoc.refs ?? []).some((ref) => ref.table.resource.def.isEducationOrganization && this.edOrgAuthorized(ref.key, claims)));
  }
}

/** RelationshipAuthorizationProblemDetails.FormatNoRelationship. */
function noRelationship(claims: ClientClaims, names: string[]): Problem {
  const ids = [...new Set(claims.educationOrganizationIds)].sort((a, b) => a - b);
  const noun = ids.length === 1 ? 'claim' : 'claims';
  const shown = ids.length === 0 ? 'none' : [...ids.slice(0, 5).map((i) => `'${i}'`), ...(ids.length > 5 ? ['...'] : [])].join(', ');
  const unique = [...new Set(names)];
  const what =
    unique.length === 1
      ? `the resource item's '${unique[0]}' value.`
      : `one or more of the following properties of the resource item: ${unique.map((n) => `'${n}'`).join(', ')}.`;
  return {
    status: 403,
    type: FORBIDDEN,
    title: 'Authorization Denied',
    detail: 'Access to the requested data could not be authorized.',
    errors: [`No relationships have been established between the caller's education organization id ${noun} (${shown}) and ${what}`],
  };
}
