import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../sim/resources.ts';
import { ResourceIndex } from '../../sim/resource-index.ts';

describe('resource table', () => {
  it('compiles: every reference targets a known resource and maps its whole natural key', () => {
    assert.doesNotThrow(() => new ResourceIndex());
  });

  it('covers the resources the suite uses', () => {
    const endpoints = RESOURCES.map((r) => r.endpoint);
    for (const e of [
      'schoolYearTypes',
      'stateEducationAgencies',
      'localEducationAgencies',
      'schools',
      'students',
      'studentSchoolAssociations',
      'studentEducationOrganizationAssociations',
      'staffs',
      'staffSchoolAssociations',
      'staffEducationOrganizationAssignmentAssociations',
      'sessions',
      'courses',
      'courseOfferings',
      'sections',
      'studentSectionAssociations',
      'staffSectionAssociations',
      'gradingPeriods',
      'grades',
      'classPeriods',
      'calendars',
      'calendarDates',
      'studentSchoolAttendanceEvents',
    ]) {
      assert.ok(endpoints.includes(e), e);
    }
    assert.equal(new ResourceIndex().get('anyThingDescriptors')?.def.resourceName, 'AnyThingDescriptor');
  });

  it('every natural-key path is required, directly or through a required reference', () => {
    for (const def of RESOURCES) {
      const requiredRefs = def.references.filter((r) => r.required).map((r) => r.path);
      for (const path of Object.values(def.identity)) {
        const covered = def.required.includes(path) || requiredRefs.some((ref) => path.startsWith(ref + '.'));
        assert.ok(covered, `${def.endpoint}: ${path}`);
      }
    }
  });

  it('every required reference path is in the required list, and reference paths are unique', () => {
    for (const def of RESOURCES) {
      for (const r of def.references.filter((x) => x.required)) assert.ok(def.required.includes(r.path), `${def.endpoint}: ${r.path}`);
      const paths = def.references.map((r) => r.path);
      assert.equal(new Set(paths).size, paths.length, def.endpoint);
    }
  });
});
