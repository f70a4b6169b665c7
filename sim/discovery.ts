// Token-free DMS endpoints: discovery (GET /), /metadata, /metadata/dependencies, /tenancy (8.1), /health;
// /metadata/specifications and /metadata/xsd are in metadata.ts.

import type { Ctx } from './http-io.ts';
import { rootUrl, send, sendJson, sendProblem } from './http-io.ts';
import { problems } from './problem.ts';
import { EDUCATION_ORGANIZATIONS, KNOWN_DESCRIPTORS, RESOURCES, type ResourceDef } from './resources.ts';
import type { DmsVersion } from './options.ts';
import { handleMetadata, isMetadataPath } from './metadata.ts';

/** The `version` discovery reports for each modelled line (VersionProvider.cs: assembly Major.Minor.Build). */
export const DISCOVERY_VERSION: Record<DmsVersion, string> = { '8.0': '8.0.0', '8.1': '8.1.0' };

type RouteHandler = (ctx: Ctx, storedDescriptors: () => string[], dmsVersion: DmsVersion) => void;

const ROUTES: Record<string, RouteHandler> = {
  '/': (ctx, _stored, dmsVersion) => {
    const root = rootUrl(ctx);
    const urls: Record<string, string> = {
      dependencies: `${root}/metadata/dependencies`,
      openApiMetadata: `${root}/metadata/specifications`,
      oauth: `${root}/oauth/token`,
      tokenInfo: `${root}/oauth/token_info`,
      dataManagementApi: `${root}/data`,
      changeQueries: `${root}/changeQueries/v1/`,
      xsdMetadata: `${root}/metadata/xsd`,
    };
    // 8.1 advertises the tenant list, built like openApiMetadata (docs/changelog/8.1.0.md, "GET /tenancy").
    if (dmsVersion === '8.1') urls.tenancy = `${root}/tenancy`;
    sendJson(ctx, 200, {
      version: DISCOVERY_VERSION[dmsVersion],
      applicationName: 'Ed-Fi API',
      informationalVersion: DISCOVERY_VERSION[dmsVersion],
      dataModels: [{ name: 'Ed-Fi', version: '5.2.0', informationalVersion: 'The Ed-Fi Data Standard v5.2.0' }],
      urls,
    });
  },
  '/metadata': (ctx) => {
    const root = rootUrl(ctx);
    sendJson(ctx, 200, {
      dependencies: `${root}/metadata/dependencies`,
      specifications: `${root}/metadata/specifications`,
      xsdMetadata: `${root}/metadata/xsd`,
    });
  },
  '/metadata/dependencies': (ctx, storedDescriptors) => sendJson(ctx, 200, dependencies(storedDescriptors())),
  // 8.1 only: the tenant names, none without multi-tenancy (docs/changelog/8.1.0.md).
  '/tenancy': (ctx, _stored, dmsVersion) =>
    dmsVersion === '8.1' ? sendJson(ctx, 200, { tenants: [] }) : sendProblem(ctx, problems.routeNotFound()),
  '/health': (ctx) =>
    sendJson(ctx, 200, { Status: 'Healthy', Results: [{ Name: 'dms-sim', Status: 'Healthy', Description: 'The stand-in is running.' }] }),
};

export function isDiscoveryPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower in ROUTES || isMetadataPath(lower);
}

export function handleDiscovery(ctx: Ctx, storedDescriptors: () => string[], dmsVersion: DmsVersion): void {
  const path = ctx.path.toLowerCase();
  ctx.route = path;
  if (ctx.method !== 'GET') return send(ctx, 405, { Allow: 'GET' });
  if (handleMetadata(ctx, path)) return;
  ROUTES[path](ctx, storedDescriptors, dmsVersion);
}

/** Load order: descriptors and schoolYearTypes first, then each resource after everything it references. */
export function dependencies(extraDescriptors: string[] = []): { resource: string; order: number; operations: string[] }[] {
  const order = new Map<string, number>();
  const orderOf = (def: ResourceDef): number => {
    if (def.endpoint === 'schoolYearTypes') return 1;
    const known = order.get(def.endpoint);
    if (known !== undefined) return known;
    const targets = def.references.flatMap((r) =>
      r.target === EDUCATION_ORGANIZATIONS ? RESOURCES.filter((d) => d.isEducationOrganization && d !== def) : RESOURCES.filter((d) => d.endpoint === r.target && d !== def),
    );
    const value = 1 + Math.max(1, ...targets.map(orderOf));
    order.set(def.endpoint, value);
    return value;
  };
  const descriptors = [...new Set([...KNOWN_DESCRIPTORS, ...extraDescriptors])].sort();
  const rows = descriptors.map((d) => ({ resource: `/ed-fi/${d}`, order: 1 }));
  for (const def of RESOURCES) rows.push({ resource: `/ed-fi/${def.endpoint}`, order: orderOf(def) });
  rows.sort((a, b) => a.order - b.order || a.resource.localeCompare(b.resource));
  return rows.map((r) => ({ ...r, operations: ['Create', 'Update'] }));
}
