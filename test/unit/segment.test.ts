// One phase as several k6 instances: which part an instance is, and what its summary records for the merge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instancePart, segmentBounds, segmentRecord, SegmentError, segmentValue, thresholdExpressions } from '../../src/phase/segment.ts';

test('segment values in the forms k6 takes: fractions, decimals, percentages', () => {
  assert.equal(segmentValue('1/3'), 1 / 3);
  assert.equal(segmentValue('0'), 0);
  assert.equal(segmentValue('0.5'), 0.5);
  assert.equal(segmentValue('25%'), 0.25);
  assert.ok(Number.isNaN(segmentValue('4/3')));
  assert.ok(Number.isNaN(segmentValue('x')));
  assert.deepEqual(segmentBounds('1/3:2/3'), { start: 1 / 3, end: 2 / 3 });
  assert.deepEqual(segmentBounds('1/2'), { start: 0, end: 0.5 }, 'a single value is the end of a segment from 0');
  assert.throws(() => segmentBounds('2/3:1/3'), SegmentError);
  assert.throws(() => segmentBounds('0:1:2'), SegmentError);
});

test('the instance whose segment starts at 0 is the first: it alone writes the bootstrap documents', () => {
  const seq = '0,1/3,2/3,1';
  assert.deepEqual(instancePart(3, '0:1/3', seq), { instances: 3, segment: '0:1/3', sequence: seq, first: true });
  assert.equal(instancePart(3, '1/3:2/3', seq).first, false);
  assert.equal(instancePart(3, '2/3:1', seq).first, false);
  assert.equal(instancePart(2, '0%:50%', null).first, true);
});

test('a whole run (no segment, INSTANCES unset) is its own first and only instance', () => {
  assert.deepEqual(instancePart(1, undefined, undefined), { instances: 1, segment: null, sequence: null, first: true });
  assert.deepEqual(instancePart(1, null, ''), { instances: 1, segment: null, sequence: null, first: true });
  assert.equal(instancePart(1, '0:1', null).first, true, 'the whole test as a segment is still the whole test');
});

test('INSTANCES and the segment must agree: each mistake says what to set', () => {
  assert.throws(() => instancePart(2, undefined, undefined), (e: Error) => e instanceof SegmentError && /INSTANCES=2 but k6 runs no execution segment/.test(e.message) && /--execution-segment/.test(e.message));
  assert.throws(() => instancePart(1, '1/2:1', '0,1/2,1'), (e: Error) => e instanceof SegmentError && /set INSTANCES/.test(e.message));
  assert.throws(() => instancePart(0, undefined, undefined), SegmentError);
});

test('the summary record: part, start and end from the run duration, and the whole run thresholds', () => {
  const part = instancePart(2, '1/2:1', '0,1/2,1');
  const thresholds = thresholdExpressions({ entities_failed: ['count==0', { threshold: 'count<50', abortOnFail: true }], 'entities_ensured{resource:schools}': ['count==10'] });
  assert.deepEqual(thresholds, { entities_failed: ['count==0', 'count<50'], 'entities_ensured{resource:schools}': ['count==10'] });
  const record = segmentRecord('20260101T000000Z-dev-load', part, 90_000, Date.parse('2026-01-01T00:01:30Z'), thresholds);
  assert.deepEqual(record, {
    runId: '20260101T000000Z-dev-load',
    instances: 2,
    executionSegment: '1/2:1',
    executionSegmentSequence: '0,1/2,1',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:30.000Z',
    thresholds,
  });
});
