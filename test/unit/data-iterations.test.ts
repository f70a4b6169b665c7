// How the load phase's iterations cover the work list: every item exactly once, in order, students batched.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { DataProfile } from '../../src/data/profile.ts';
import { workItemAt, workItemCount } from '../../src/data/plan.ts';
import { itemsOfIteration, iterationPlan, MAX_STUDENTS_PER_ITERATION } from '../../src/data/iterations.ts';

const profile = (schoolCount: number, studentCount: number, staffCount: number): DataProfile => ({
  schoolCount, studentCount, staffCount, coursesPerSchool: 3, sectionsPerCourse: 2, sectionsPerStudent: 2, schoolYear: 2026,
});

test('iterations cover every work item exactly once, in order', () => {
  for (const [p, vus] of [[profile(2, 2, 2), 2], [profile(10, 100, 20), 10], [profile(10, 40000, 20), 100], [profile(3, 37, 0), 1]] as const) {
    const plan = iterationPlan(p, vus);
    let next = 0;
    for (let i = 0; i < plan.count; i++) {
      const { first, end } = itemsOfIteration(plan, i);
      assert.equal(first, next, `iteration ${i} starts where the previous one ended`);
      assert.ok(end > first, `iteration ${i} is not empty`);
      next = end;
    }
    assert.equal(next, workItemCount(p), 'the last iteration ends at the last work item');
  }
});

test('only students are batched: prerequisites stay one to an iteration', () => {
  const p = profile(10, 40000, 20);
  const plan = iterationPlan(p, 100);
  assert.equal(plan.studentsPerIteration, MAX_STUDENTS_PER_ITERATION);
  for (let i = 0; i < plan.count; i++) {
    const { first, end } = itemsOfIteration(plan, i);
    if (end - first > 1) {
      for (let item = first; item < end; item++) assert.equal(workItemAt(p, item).kind, 'student', `iteration ${i} batches item ${item}`);
    }
  }
  assert.equal(plan.count, workItemCount(p) - 40000 + 5000);
});

test('batches shrink so that every VU still gets several student iterations', () => {
  assert.equal(iterationPlan(profile(2, 2, 2), 2).studentsPerIteration, 1, 'smoke: one student per iteration');
  assert.equal(iterationPlan(profile(10, 100, 20), 10).studentsPerIteration, 2);
  assert.equal(iterationPlan(profile(10, 100, 20), 100).studentsPerIteration, 1);
  const prod = iterationPlan(profile(130, 75000, 8000), 100);
  assert.equal(prod.studentsPerIteration, MAX_STUDENTS_PER_ITERATION);
  assert.ok((prod.count - prod.leadItems) / 100 >= 4);
});

test('an iteration outside the plan is an error, not an empty range', () => {
  const plan = iterationPlan(profile(2, 10, 2), 2);
  assert.throws(() => itemsOfIteration(plan, plan.count), /out of range/);
  assert.throws(() => itemsOfIteration(plan, -1), /out of range/);
  assert.throws(() => itemsOfIteration(plan, 1.5), /out of range/);
});
