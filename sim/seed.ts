// Documents a deployed DMS has before any client writes: the school years its deployment loads.
// EdFiSandbox and SISVendor may only read schoolYearTypes (Claims.json domain 'edFiTypes'), so a DMS run
// with claim sets gets them from Ed-Fi-Alliance-OSS/Data-Management-Service eng/SchoolYear-Loader.psm1
// (Invoke-SchoolYearLoader), which eng/Load-SchoolYears.ps1 and the database templates
// (eng/DatabaseTemplates/Template-Management.psm1) run under the BootstrapDescriptorsandEdOrgs claim set.

import type { DocumentStore } from './store.ts';
import type { ResourceIndex } from './resource-index.ts';
import { naturalKey } from './validate.ts';

/** Invoke-SchoolYearLoader's default range, both ends included. */
export const SEEDED_SCHOOL_YEARS = { first: 1991, last: 2037 } as const;

/**
 * The school year Get-CurrentSchoolYear (eng/Dms-Management.psm1) picks for a moment given in ms since
 * the epoch: after June the next calendar year, else this one. The stand-in reads the date in UTC.
 */
export function currentSchoolYear(nowMs: number): number {
  const now = new Date(nowMs);
  return now.getUTCMonth() + 1 > 6 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
}

/** The schoolYearType bodies Invoke-SchoolYearLoader posts: one per year, '{year-1}-{year}', one current. */
export function schoolYearTypeBodies(nowMs: number): Record<string, unknown>[] {
  const current = currentSchoolYear(nowMs);
  const bodies: Record<string, unknown>[] = [];
  for (let year = SEEDED_SCHOOL_YEARS.first; year <= SEEDED_SCHOOL_YEARS.last; year++) {
    bodies.push({ schoolYear: year, currentSchoolYear: year === current, schoolYearDescription: `${year - 1}-${year}` });
  }
  return bodies;
}

/** Stores the school years of a deployed DMS (an empty store gets 47 schoolYearTypes). */
export function seedSchoolYears(store: DocumentStore, resources: ResourceIndex, nowMs: number): void {
  const resource = resources.get('schoolYearTypes');
  if (!resource) throw new Error('resource table: schoolYearTypes is missing');
  const table = store.table(resource);
  for (const body of schoolYearTypeBodies(nowMs)) store.insert(table, naturalKey(resource, body), body, []);
}
