// Deep-paging phase, shaped as Ed-Fi's Suite-3 DeepPaging workload: sequential pages of DEEP_PAGING_PAGE_SIZE
// (Ed-Fi: 500) rows through one collection (DEEP_PAGING_RESOURCE, the data set's largest by default), by
// offset (limit/offset) and, where the target offers it, by cursor (pageToken/pageSize, DMS's
// Next-Page-Token: docs/dms-sim.md, DMS Paging/PageTokenCodec.cs). The figure is ms per page; each page is
// tagged with its mode and its depth (the tenth of the collection it starts in), so the report draws ms per
// page against depth. VUS_DEEP_PAGING_PHASE VUs each make DEEP_PAGING_WALKS whole walks (offset, then
// cursor), within DURATION_DEEP_PAGING_PHASE. Gates: outcomes and checks only (every walk reads every
// document); latency is shown beside Ed-Fi's figures, not judged.
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge } from 'k6/metrics';
import type { Options } from 'k6/options';
import { headerValue, type DmsCall, type DmsClient } from '../dms/client.ts';
import { config, dms, setPhase, type SetupData } from '../phase/context.ts';
import { runOperation } from '../phase/operation.ts';
import { setupOverLoadedData } from '../phase/readwrite-mix.ts';
import { breakdownThresholds, operationThresholds, outcomeThresholds, SUMMARY_TREND_STATS, type ThresholdMap } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';
import { depthMetric, depthOf } from '../workloads/reference.ts';
import { deepPagingSummary } from '../workloads/workload-summary.ts';

setPhase('deep-paging');

const settings = config.workloads.deepPaging;
const RESOURCE = settings.resource;
const SIZE = settings.pageSize;
/** Pages of a walk whose target offered no cursor (no Next-Page-Token): counted, and the report says so. */
const noCursor = new Counter('deep_paging_no_cursor');
/** The collection's size as its first page said (Total-Count). */
const documents = new Gauge('deep_paging_documents');

function pagingThresholds(): ThresholdMap {
  const map: ThresholdMap = {};
  for (const mode of ['offset', 'cursor'] as const) {
    map[`http_req_duration{api:data,mode:${mode}}`] = [];
    for (let depth = 0; depth < 10; depth++) map[depthMetric(mode, depth)] = [];
  }
  return map;
}

export const options: Options = {
  scenarios: {
    'deep-paging': { executor: 'per-vu-iterations', vus: settings.vus, iterations: settings.walks, maxDuration: settings.duration },
  },
  thresholds: {
    ...outcomeThresholds(config),
    ...breakdownThresholds([[RESOURCE, 'page']]),
    ...operationThresholds([[RESOURCE, 'walk-offset'], [RESOURCE, 'walk-cursor']]),
    ...pagingThresholds(),
    deep_paging_no_cursor: [],
    deep_paging_documents: [],
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return setupOverLoadedData('deep-paging');
}

/** Tags the next requests of this VU with the walk's mode and the page's depth. */
function tagPage(mode: 'offset' | 'cursor', first: number, total: number | undefined): void {
  exec.vu.metrics.tags.mode = mode;
  exec.vu.metrics.tags.depth = first === 0 ? '0' : total === undefined ? 'unknown' : String(depthOf(first, total));
}

interface Walk {
  rows: number;
  total?: number;
  /** The Next-Page-Token of the walk's first page: where a cursor walk goes on. */
  cursor?: string;
}

/** By offset: limit/offset pages until one is short; the first asks totalCount (the depth's scale). */
function offsetWalk(client: DmsClient): Walk {
  const walk: Walk = { rows: 0 };
  for (let page = 0; ; page++) {
    tagPage('offset', page * SIZE, walk.total);
    const call: DmsCall = { method: 'GET', path: `ed-fi/${RESOURCE}?limit=${SIZE}&offset=${page * SIZE}${page === 0 ? '&totalCount=true' : ''}`, resource: RESOURCE, op: 'page', expected: [200] };
    const res = client.send(call);
    if (res.status !== 200) return walk;
    const items = client.readArray(call, res);
    if (page === 0) {
      const total = Number(headerValue(res, 'Total-Count'));
      walk.total = Number.isFinite(total) ? total : undefined;
      if (walk.total !== undefined) documents.add(walk.total);
      walk.cursor = headerValue(res, 'Next-Page-Token');
    }
    walk.rows += items.length;
    if (items.length < SIZE) return walk;
  }
}

/** By cursor: from the first page's Next-Page-Token, pageToken/pageSize pages until an answer carries none. */
function cursorWalk(client: DmsClient, first: Walk): Walk {
  const walk: Walk = { rows: Math.min(SIZE, first.total ?? SIZE), total: first.total };
  let token = first.cursor;
  while (token) {
    tagPage('cursor', walk.rows, walk.total);
    const call: DmsCall = { method: 'GET', path: `ed-fi/${RESOURCE}?pageToken=${encodeURIComponent(token)}&pageSize=${SIZE}`, resource: RESOURCE, op: 'page', expected: [200] };
    const res = client.send(call);
    if (res.status !== 200) return walk;
    walk.rows += client.readArray(call, res).length;
    token = headerValue(res, 'Next-Page-Token');
  }
  return walk;
}

export default function (data: SetupData): void {
  const client = dms(data);
  let offset: Walk = { rows: 0 };
  const offsetOk = runOperation(client, { resource: RESOURCE, op: 'walk-offset' }, () => {
    offset = offsetWalk(client);
  });
  check(null, { 'offset walk read every document': () => offsetOk && offset.total !== undefined && offset.rows === offset.total });
  if (!offset.cursor) {
    noCursor.add(1);
    return;
  }
  let cursor: Walk = { rows: 0 };
  const cursorOk = runOperation(client, { resource: RESOURCE, op: 'walk-cursor' }, () => {
    cursor = cursorWalk(client, offset);
  });
  check(null, { 'cursor walk read every document': () => cursorOk && cursor.total !== undefined && cursor.rows === cursor.total });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const noCursorWalks = data.metrics.deep_paging_no_cursor?.values.count ?? 0;
  const cursor = noCursorWalks > 0 ? 'not offered by the target (its first page carried no Next-Page-Token)' : "pageToken/pageSize, from the first page's Next-Page-Token";
  const total = data.metrics.deep_paging_documents?.values.value;
  return summaryOutputs({ ...data, workload: deepPagingSummary(config, data, { cursor, total }, config.target) }, 'deep-paging', config.resultsDir);
}
