// Ed-Fi's published figures for the three workloads of its Suite-3 (Locust) comparison, shown beside a
// run's own as labelled reference lines, never as pass/fail: another machine, another data set, another
// load generator. Source: the figures as quoted in this suite's issue 13 (Ed-Fi Alliance, published
// 2026-09-30, PostgreSQL, DMS 8.1 pre-release against ODS/API 7.3.2). Pure: used by k6 (summary.json
// `workload.reference`) and by the report.

export type WorkloadName = 'volume' | 'deep-paging' | 'filtered-read';

export interface ReferenceFigure {
  /** What was measured: 'DMS 8.1 pre-release', 'ODS/API 7.3.2'. */
  target: string;
  value: number;
}

export interface Reference {
  source: string;
  date: string;
  database: string;
  /** The machine the figures were measured on, as far as the source says. */
  hardware: string;
  /** The measure and its unit, in words. */
  measure: string;
  unit: string;
  figures: ReferenceFigure[];
}

const COMMON = {
  source: "Ed-Fi Alliance, Suite-3 performance comparison (Locust), as quoted in this suite's issue 13",
  date: '2026-09-30',
  database: 'PostgreSQL',
  hardware: 'not stated in the figures quoted (not this machine)',
};

export const ED_FI_REFERENCE: Record<WorkloadName, Reference> = {
  volume: { ...COMMON, measure: 'requests per second over the run (10 users; POST, PUT and DELETE, 40% DELETE; 30 minutes)', unit: 'requests/s', figures: [{ target: 'DMS 8.1 pre-release', value: 1378 }, { target: 'ODS/API 7.3.2', value: 1305 }] },
  'deep-paging': { ...COMMON, measure: 'ms per page (sequential 500-row offset pages through a resource)', unit: 'ms', figures: [{ target: 'DMS 8.1 pre-release', value: 379 }, { target: 'ODS/API 7.3.2', value: 573 }] },
  'filtered-read': { ...COMMON, measure: 'ms per request (GET by query parameters, up to 100 rows)', unit: 'ms', figures: [{ target: 'DMS 8.1 pre-release', value: 17.0 }, { target: 'ODS/API 7.3.2', value: 29.1 }] },
};

/** One figure of this run, named so it can be put beside the reference's. */
export interface WorkloadFigure {
  /** 'requests/s', 'mean ms per page (offset)', ... */
  label: string;
  value?: number;
  unit: string;
  /** Measured as Ed-Fi's figure is: the one the reference stands beside. */
  comparable?: boolean;
}

/** summary.json's `workload` (CONTRACTS.md): the shape the run had, its figures, and Ed-Fi's beside them. */
export interface WorkloadSummary {
  name: WorkloadName;
  parameters: Record<string, string | number | boolean>;
  figures: WorkloadFigure[];
  reference: Reference;
  notes: string[];
  /** deep-paging: ms per page by depth (tenths of the collection) and mode. */
  depth?: DepthRow[];
}

export interface DepthRow {
  mode: 'offset' | 'cursor';
  /** 0 = the first tenth of the collection, 9 = the last. */
  depth: number;
  pages: number;
  meanMs?: number;
  p50Ms?: number;
  p95Ms?: number;
}

/** The tenth of the collection (0..9) that a page starting at row `first` of `total` reads. */
export function depthOf(first: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(9, Math.max(0, Math.floor((first / total) * 10)));
}

/** A metric's summary values (k6's summary `values`), or undefined. */
type Values = (name: string) => Record<string, number> | undefined;

/** deep-paging's depth rows from the per-depth sub-metrics `http_req_duration{api:data,mode:M,depth:D}`. */
export function depthRows(values: Values): DepthRow[] {
  const rows: DepthRow[] = [];
  for (const mode of ['offset', 'cursor'] as const) {
    for (let depth = 0; depth < 10; depth++) {
      const v = values(depthMetric(mode, depth));
      if (!v || !v.count) continue;
      rows.push({ mode, depth, pages: v.count, meanMs: v.avg, p50Ms: v.med, p95Ms: v['p(95)'] });
    }
  }
  return rows;
}

export function depthMetric(mode: 'offset' | 'cursor', depth: number): string {
  return `http_req_duration{api:data,mode:${mode},depth:${depth}}`;
}
