// The progress line and its pieces: durations, counts, ETA. Pure, unit-tested.
import type { Sample } from './snapshot.ts';

/** 0 -> '0s', 59.6 -> '1m00s'... 190 -> '3m10s', 3725 -> '1h02m05s'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${two(m)}m${two(s)}s`;
  if (m > 0) return `${m}m${two(s)}s`;
  return `${s}s`;
}

/** 59000 -> '59,000' (fixed grouping, independent of the machine's locale). */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

export interface EntityPoint {
  elapsedS: number;
  entities: number;
}

/**
 * Seconds until `total` entities are ensured, at the rate of the last `windowS` seconds (the whole history
 * when it is shorter). 0 when done; undefined while no rate is known.
 */
export function etaSeconds(history: readonly EntityPoint[], total: number, windowS = 60): number | undefined {
  if (history.length === 0) return undefined;
  const last = history[history.length - 1];
  if (last.entities >= total) return 0;
  let first = history[0];
  for (const point of history) {
    if (last.elapsedS - point.elapsedS <= windowS) {
      first = point;
      break;
    }
  }
  // With one point in the window, measure from the start of the test.
  if (first === last) first = { elapsedS: 0, entities: 0 };
  const seconds = last.elapsedS - first.elapsedS;
  const done = last.entities - first.entities;
  if (seconds <= 0 || done <= 0) return undefined;
  return (total - last.entities) / (done / seconds);
}

export interface LineContext {
  phase: string;
  plannedSeconds?: number;
  expectedEntities?: number;
  eta?: number;
}

/**
 * `load  1m05s / 10m00s  VUs 8/8  142.3 req/s  p95 35.2 ms  errors 0.00%  retried 12  entities 1,234/59,000 (2%) ETA 3m10s`
 * Rates are over the last interval; p95 is k6's running figure since the start. `errors` is the share of
 * requests that failed after their retries; `retried` counts retried attempts since the start. While VUs
 * wait out an open circuit breaker, `2 VUs waiting out an open circuit breaker (503 Retry-After 30 s)`
 * follows the VUs.
 */
export function formatLine(sample: Sample, ctx: LineContext): string {
  const parts: string[] = [];
  const planned = ctx.plannedSeconds && ctx.plannedSeconds > 0 ? ` / ${formatDuration(ctx.plannedSeconds)}` : '';
  parts.push(`${ctx.phase.padEnd(9)} ${formatDuration(sample.elapsedS)}${planned}`);
  if (sample.status !== 'running') parts.push(`(${sample.status})`);
  parts.push(`VUs ${sample.vus}/${sample.vusMax}`);
  // Early in the line (a terminal cuts its end): why the request rate has dropped to nothing.
  if (sample.breakerWaiting) parts.push(breakerPart(sample.breakerWaiting, sample.breakerRetryAfterS));
  parts.push(`${sample.reqRate.toFixed(1)} req/s`);
  parts.push(`p95 ${formatMs(sample.p95Ms)}`);
  // errors: requests that failed after their retries; retried attempts are shown apart, they are not errors
  parts.push(`errors ${formatPercent(sample.failedRate)}`);
  if (sample.retries !== undefined && sample.retries > 0) parts.push(`retried ${formatCount(sample.retries)}`);
  if (ctx.expectedEntities !== undefined && ctx.expectedEntities > 0) {
    const entities = sample.entities ?? 0;
    const share = Math.min(1, entities / ctx.expectedEntities);
    const eta = ctx.eta === undefined ? '?' : ctx.eta === 0 ? 'done' : ctx.eta < 1 ? '<1s' : formatDuration(ctx.eta);
    parts.push(
      `entities ${formatCount(entities)}/${formatCount(ctx.expectedEntities)} (${Math.floor(share * 100)}%) ETA ${eta}`,
    );
  } else if (sample.entities !== undefined) {
    parts.push(`entities ${formatCount(sample.entities)}`);
  }
  return parts.join('  ');
}

/** `2 VUs waiting out an open circuit breaker (503 Retry-After 30 s)`. */
export function breakerPart(waiting: number, retryAfterS: number | undefined): string {
  const vus = `${waiting} ${waiting === 1 ? 'VU' : 'VUs'}`;
  const retryAfter = retryAfterS ? ` (503 Retry-After ${Math.round(retryAfterS)} s)` : '';
  return `${vus} waiting out an open circuit breaker${retryAfter}`;
}

/** On a terminal the line is redrawn in place and cut to the terminal's width. */
export function ttyLine(line: string, columns: number | undefined): string {
  const width = columns && columns > 10 ? columns - 1 : line.length;
  return `\r\x1b[2K${line.length > width ? line.slice(0, width) : line}`;
}
