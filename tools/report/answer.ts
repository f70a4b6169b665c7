// The answer first, as text: the runner prints these lines at the end of a run, just before its
// PASS/FAIL line (tools/report/main.ts --answer). Pure, unit-tested. Every list shows at most TOP items,
// then "and N more".
import { formatMs } from '../progress/format.ts';
import { failedOf, TOP, type FailureRow, type Findings, type FailureTotals, type ProblemRow, type SlowPair } from './findings.ts';

const more = (n: number) => (n > 0 ? [`  and ${n} more`] : []);

export function pairLabel(r: { phase: string; resource: string; op: string }): string {
  return `${r.phase} ${r.resource} ${r.op}`;
}

/** 0.004 -> '<1%', 0.52 -> '52%'. */
export function sharePercent(share: number): string {
  return share > 0 && share < 0.005 ? '<1%' : `${Math.round(share * 100)}%`;
}

export function slowText(s: SlowPair): string {
  if (s.limitMs === undefined) return `${formatMs(s.p95)} (no p95 limit)`;
  const share = s.share === undefined ? '' : ` (${sharePercent(s.share)}${s.share > 1 ? ', OVER' : ''})`;
  return `${formatMs(s.p95)} of ${formatMs(s.limitMs)}${share}`;
}

export function failureText(r: FailureRow): string {
  const parts: string[] = [];
  if (r.failedRequests !== undefined && r.failedRequests > 0) parts.push(`${r.failedRequests} of ${r.requests} requests`);
  if (r.failedOperations !== undefined && r.failedOperations > 0) parts.push(`${r.failedOperations} of ${r.operations} operations`);
  if (parts.length === 0 && r.unexpected > 0) parts.push(`${r.unexpected} unexpected answers`);
  return `${parts.join(', ')}${r.statuses.length ? ` (${r.statuses.join(', ')})` : ''}`;
}

export function problemText(p: ProblemRow): string {
  const what = [p.status !== undefined ? String(p.status) : p.kind, p.problemType, p.contentType && p.kind === 'wrong-body' ? p.contentType : undefined]
    .filter(Boolean)
    .join(' ');
  const words = p.detail ?? p.title ?? p.message ?? p.bodySnippet ?? '';
  return `${what}${words ? `: ${words}` : ''}${p.errors ? ` ${p.errors}` : ''}${p.count > 1 ? ` (x ${p.count})` : ''}`;
}

function totalsText(t: FailureTotals): string {
  if (t.source === 'unexpected-statuses') return `${t.phase}: no unexpected answer`;
  const parts: string[] = [];
  if (t.requests !== undefined) parts.push(`${t.failedRequests ?? 0} of ${t.requests} requests`);
  if (t.operations !== undefined) parts.push(`${t.failedOperations ?? 0} of ${t.operations} operations`);
  return `${t.phase}: ${parts.join(', ') || 'no outcome samples'}`;
}

export function answerLines(f: Findings): string[] {
  const out: string[] = [];
  const [first, ...rest] = f.reasons;
  out.push(`${f.status}  ${first ?? ''}`.trimEnd());
  for (const r of rest.slice(0, TOP - 1)) out.push(`      ${r}`);
  out.push(...more(rest.length - (TOP - 1)).map((l) => `    ${l}`));

  if (f.slowest.length > 0) {
    out.push(`slowest by p95 (against its limit):`);
    const width = Math.max(...f.slowest.map((s) => pairLabel(s).length));
    for (const s of f.slowest) out.push(`  ${pairLabel(s).padEnd(width)}  ${slowText(s)}`);
  }

  if (f.failures.length === 0) {
    const old = f.failureTotals.some((t) => t.source === 'unexpected-statuses') ? '; results without outcome metrics: judged by unexpected answers' : '';
    out.push(`failed after retries: none${f.failureTotals.length ? ` (${f.failureTotals.map(totalsText).join('; ')}${old})` : ''}`);
  } else {
    out.push(`failed after retries (${f.failures.reduce((n, r) => n + failedOf(r), 0)}):`);
    for (const r of f.failures.slice(0, TOP)) {
      out.push(`  ${pairLabel(r)}: ${failureText(r)}`);
      const problem = f.problems.find((p) => p.phase === r.phase && p.resource === r.resource && p.op === r.op);
      if (problem) out.push(`    first: ${problemText(problem)}`);
    }
    out.push(...more(f.failures.length - TOP));
  }

  if (f.retries.length > 0) {
    const byPhase = new Map<string, string[]>();
    for (const r of f.retries) byPhase.set(r.phase, [...(byPhase.get(r.phase) ?? []), `${r.reason} ${r.count}`]);
    out.push(`retried, then succeeded (not failures; requests whose retries ran out are counted above): ${[...byPhase].map(([p, l]) => `${p}: ${l.join(', ')}`).join('; ')}`);
  }

  if (f.caps.length === 0) out.push('what capped throughput: nothing seen (no 429, no 503, no dropped iterations)');
  else {
    out.push('what capped throughput:');
    for (const c of f.caps) out.push(`  ${c.phase}: ${c.text}`);
  }

  if (f.baseline) {
    const b = f.baseline;
    out.push(`baseline ${b.name}: ${b.verdict}${b.lines.length === 0 ? ` (${b.compared} rows compared)` : ''}`);
    for (const l of b.lines) out.push(`  ${l}`);
    out.push(...more(b.more));
  }
  return out;
}
