// The metadata URLs discovery advertises: /metadata/specifications (MetadataEndpointModule.cs) and
// /metadata/xsd (XsdMetadataEndpointModule.cs), both token-free. The OpenAPI documents are skeletons
// built from the stand-in's resource table (paths and operations, no schemas); XSD file bodies are
// not served. Paths are those of src/dms/frontend/EdFi.DataManagementService.Frontend.AspNetCore/.

import type { Ctx } from './http-io.ts';
import { rootUrl, send, sendJson } from './http-io.ts';
import { KNOWN_DESCRIPTORS, RESOURCES } from './resources.ts';

const DATA_STANDARD = '5.2.0';

/** MetadataEndpointModule._sections (no Change-Queries: the stand-in serves no change queries; no profiles). */
const SECTIONS = [
  { name: 'Resources', prefix: '' },
  { name: 'Descriptors', prefix: '' },
  { name: 'Discovery', prefix: 'Other' },
];

/** The Data Standard 5.2 files DMS lists under /metadata/xsd/ed-fi/files (XSDMetadata.feature). */
const XSD_FILES = [
  'Ed-Fi-Core.xsd',
  ...[
    'AssessmentMetadata', 'AssessmentRegistration', 'Contact', 'Descriptors', 'EducationOrganization', 'EducationOrgCalendar', 'Finance',
    'MasterSchedule', 'PostSecondaryEvent', 'StaffAssociation', 'Standards', 'Student', 'StudentAssessment', 'StudentAttendance',
    'StudentCohort', 'StudentDiscipline', 'StudentEnrollment', 'StudentGrade', 'StudentGradebook', 'StudentHealth', 'StudentIntervention',
    'StudentProgram', 'StudentProgramEvaluation', 'StudentTranscript', 'Survey',
  ].map((name) => `Interchange-${name}.xsd`),
  'SchemaAnnotation.xsd',
];

/** DMS's plain-text 404 for an unknown section or file. */
const invalidPath = (ctx: Ctx): void => send(ctx, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Invalid resource path');

/** Answers a GET under /metadata/specifications or /metadata/xsd; returns false for any other path. */
export function handleMetadata(ctx: Ctx, lowerPath: string): boolean {
  const root = rootUrl(ctx);
  if (lowerPath === '/metadata/specifications') {
    ctx.route = lowerPath;
    sendJson(
      ctx,
      200,
      SECTIONS.map((s) => ({ name: s.name, endpointUri: `${root}/metadata/specifications/${s.name.toLowerCase()}-spec.json`, prefix: s.prefix })),
    );
    return true;
  }
  const spec = /^\/metadata\/specifications\/([^/]+)-spec\.json$/.exec(lowerPath);
  if (spec) {
    ctx.route = '/metadata/specifications/{section}-spec.json';
    const document = openApi(spec[1], root);
    if (document) sendJson(ctx, 200, document);
    else invalidPath(ctx);
    return true;
  }
  if (lowerPath === '/metadata/xsd') {
    ctx.route = lowerPath;
    sendJson(ctx, 200, [{ description: 'Core schema (Ed-Fi) files for the data model', name: 'ed-fi', version: DATA_STANDARD, files: `${root}/metadata/xsd/ed-fi/files` }]);
    return true;
  }
  const xsd = /^\/metadata\/xsd\/([^/]+)\/(.+)$/.exec(lowerPath);
  if (xsd) {
    ctx.route = '/metadata/xsd/{section}/{file}';
    if (xsd[1] === 'ed-fi' && xsd[2] === 'files') sendJson(ctx, 200, XSD_FILES.map((f) => `${root}/metadata/xsd/ed-fi/${f}`));
    else invalidPath(ctx); // XSD file bodies are not served.
    return true;
  }
  return false;
}

/** Whether handleMetadata answers this (lower-case) path. */
export const isMetadataPath = (lowerPath: string): boolean => lowerPath === '/metadata/specifications' || lowerPath.startsWith('/metadata/specifications/') || lowerPath === '/metadata/xsd' || lowerPath.startsWith('/metadata/xsd/');

type Operations = Record<string, { tags: string[]; operationId: string; responses: Record<string, { description: string }> }>;

function operations(endpoint: string, kinds: [method: string, verb: string][]): Operations {
  const out: Operations = {};
  for (const [method, verb] of kinds) out[method] = { tags: [endpoint], operationId: `${verb}${endpoint.charAt(0).toUpperCase()}${endpoint.slice(1)}`, responses: { default: { description: 'See the Ed-Fi API documentation.' } } };
  return out;
}

/** A skeleton OpenAPI 3.0 document for a section, or undefined for an unknown one. */
function openApi(section: string, root: string): Record<string, unknown> | undefined {
  const info = (title: string): Record<string, unknown> => ({ title, version: DATA_STANDARD });
  const paths: Record<string, Operations> = {};
  const addResource = (endpoint: string): void => {
    paths[`/ed-fi/${endpoint}`] = operations(endpoint, [['get', 'get'], ['post', 'post']]);
    paths[`/ed-fi/${endpoint}/{id}`] = operations(endpoint, [['get', 'getById'], ['put', 'put'], ['delete', 'delete']]);
    paths[`/ed-fi/${endpoint}/partitions`] = operations(endpoint, [['get', 'getPartitions']]);
  };
  if (section === 'resources') {
    for (const def of RESOURCES) addResource(def.endpoint);
    return { openapi: '3.0.1', info: info('Ed-Fi Resources API'), servers: [{ url: `${root}/data` }], paths };
  }
  if (section === 'descriptors') {
    for (const endpoint of KNOWN_DESCRIPTORS) addResource(endpoint);
    return { openapi: '3.0.1', info: info('Ed-Fi Descriptors API'), servers: [{ url: `${root}/data` }], paths };
  }
  if (section === 'discovery') {
    return { openapi: '3.0.1', info: info('Ed-Fi Discovery API'), servers: [{ url: root }], paths: { '/': operations('discovery', [['get', 'get']]) } };
  }
  return undefined;
}
