// summary.json's `workload` (src/workloads/reference.ts) in words: this run's figures beside Ed-Fi's
// published ones, always labelled as a reference and never as a verdict. Pure, unit-tested.
import type { WorkloadFigure, WorkloadSummary } from '../../src/workloads/reference.ts';

/** A workload summary read back from JSON, checked enough to be shown (undefined when it is not one). */
export function asWorkload(value: unknown): WorkloadSummary | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const w = value as Partial<WorkloadSummary>;
  if (typeof w.name !== 'string' || !Array.isArray(w.figures) || !w.reference || !Array.isArray(w.reference.figures)) return undefined;
  return w as WorkloadSummary;
}

export function figureText(f: Pick<WorkloadFigure, 'value' | 'unit'>): string {
  if (f.value === undefined || !Number.isFinite(f.value)) return '-';
  const v = f.value >= 100 || Number.isInteger(f.value) ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(1);
  return `${v} ${f.unit}`;
}

/** The figure of this run that Ed-Fi's is put beside: the one measured as Ed-Fi's is. */
export function headlineFigure(w: WorkloadSummary): WorkloadFigure | undefined {
  return w.figures.find((f) => f.comparable && f.value !== undefined);
}

/** 'Ed-Fi 2026-09-30 (PostgreSQL; hardware: ...): DMS 8.1 pre-release 1,378 requests/s, ODS/API 7.3.2 1,305 requests/s'. */
export function referenceText(w: WorkloadSummary): string {
  const r = w.reference;
  return `Ed-Fi ${r.date} (${r.database}; hardware: ${r.hardware}): ${r.figures.map((f) => `${f.target} ${figureText({ value: f.value, unit: r.unit })}`).join(', ')}`;
}

/** One line for the console and the answer: this run's headline figure, then the reference. */
export function workloadLine(w: WorkloadSummary): string {
  const f = headlineFigure(w);
  return `${w.name}: ${f ? `${f.label} ${figureText(f)}` : 'no figure'}; beside ${referenceText(w)} (a reference, not a verdict${w.notes.length ? `; ${w.notes.join('; ')}` : ''})`;
}
