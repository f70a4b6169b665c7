// summary.json's `workload` of the phases shaped as Ed-Fi's Suite-3 workloads: the parameters the run had,
// its own figures, and Ed-Fi's published ones beside them (src/workloads/reference.ts). Pure: built from k6's
// summary data in handleSummary, unit-tested under Node.
import type { SuiteConfig } from '../config.ts';
import type { SummaryData } from '../summary/summary.ts';
import { depthRows, ED_FI_REFERENCE, type WorkloadFigure, type WorkloadSummary } from './reference.ts';

function values(data: SummaryData, name: string): Record<string, number> | undefined {
  return data.metrics[name]?.values;
}

function seconds(data: SummaryData): number | undefined {
  const ms = data.state?.testRunDurationMs;
  return ms && ms > 0 ? ms / 1000 : undefined;
}

const STAND_IN_NOTE = 'a stand-in run measures the suite and this machine, not a DMS';

function notes(target: string | undefined): string[] {
  return target === 'sim' ? [STAND_IN_NOTE] : [];
}

/** Volume: requests/s over the phase (attempts of data requests, as Locust counts requests). */
export function volumeSummary(config: SuiteConfig, data: SummaryData, target?: string): WorkloadSummary {
  const s = seconds(data);
  const requests = values(data, 'http_reqs{api:data}')?.count;
  const duration = values(data, 'http_req_duration{api:data}');
  const figures: WorkloadFigure[] = [
    { label: 'throughput', value: requests !== undefined && s ? requests / s : undefined, unit: 'requests/s', comparable: true },
    { label: 'mean ms per request', value: duration?.avg, unit: 'ms' },
    { label: 'p95 ms per request', value: duration?.['p(95)'], unit: 'ms' },
  ];
  return {
    name: 'volume',
    parameters: {
      users: config.workloads.volume.vus,
      duration: config.workloads.volume.duration,
      resource: 'studentSchoolAssociations',
      requests: 'POST, then PUT every other iteration, then DELETE: 40% POST, 20% PUT, 40% DELETE',
      model: 'closed: each user loops without pause',
    },
    figures,
    reference: ED_FI_REFERENCE.volume,
    notes: notes(target),
  };
}

/** Deep paging: ms per page, by offset and by cursor, and by depth in the collection. */
export function deepPagingSummary(config: SuiteConfig, data: SummaryData, extra: { cursor: string; total?: number }, target?: string): WorkloadSummary {
  const figure = (mode: 'offset' | 'cursor'): WorkloadFigure[] => {
    const v = values(data, `http_req_duration{api:data,mode:${mode}}`);
    if (!v?.count) return [];
    return [
      // Ed-Fi's figure is of offset pages: the cursor walk's mean is shown, not put beside it.
      { label: `mean ms per page (${mode})`, value: v.avg, unit: 'ms', comparable: mode === 'offset' },
      { label: `p95 ms per page (${mode})`, value: v['p(95)'], unit: 'ms' },
      { label: `pages (${mode})`, value: v.count, unit: 'pages' },
    ];
  };
  const p = config.workloads.deepPaging;
  return {
    name: 'deep-paging',
    parameters: { resource: p.resource, pageSize: p.pageSize, users: p.vus, walks: p.walks, cursor: extra.cursor, documents: extra.total ?? 'unknown' },
    figures: [...figure('offset'), ...figure('cursor')],
    reference: ED_FI_REFERENCE['deep-paging'],
    notes: notes(target),
    depth: depthRows((name) => values(data, name)),
  };
}

/** Filtered read: ms per GET by query parameters, and the rows they returned. */
export function filteredReadSummary(config: SuiteConfig, data: SummaryData, target?: string): WorkloadSummary {
  const duration = values(data, 'http_req_duration{api:data}');
  const rows = values(data, 'filtered_read_rows')?.count;
  const p = config.workloads.filteredRead;
  return {
    name: 'filtered-read',
    parameters: {
      users: p.vus,
      duration: p.duration,
      limit: p.limit,
      queries: 'studentSchoolAssociations?schoolId=, studentSectionAssociations?sectionIdentifier=, students?lastSurname= (one of them, at random, per iteration)',
      model: 'closed: each user loops without pause',
    },
    figures: [
      { label: 'mean ms per request', value: duration?.avg, unit: 'ms', comparable: true },
      { label: 'median ms per request', value: duration?.med, unit: 'ms' },
      { label: 'p95 ms per request', value: duration?.['p(95)'], unit: 'ms' },
      { label: 'rows per request', value: rows !== undefined && duration?.count ? rows / duration.count : undefined, unit: 'rows' },
    ],
    reference: ED_FI_REFERENCE['filtered-read'],
    notes: notes(target),
  };
}
