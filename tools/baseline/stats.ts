// Significance tests of a baseline comparison, on binned samples (the latency histograms of
// src/summary/latency-histogram.ts) and on counts. Pure, deterministic (no resampling), unit-tested with
// fixed sample sets in test/tools/baseline-stats.test.ts. No statistics package is installed in this
// project; these are the textbook forms:
// - Mann-Whitney U, one-sided, normal approximation with the tie correction and a continuity correction
//   (every sample in one bucket is a tie: midranks per bucket);
// - Fisher's exact test, one-sided (hypergeometric tail), for two proportions: error rates, and the share
//   of requests above the baseline's percentile (a quantile test for p95/p99);
// - Holm's step-down adjustment for testing many rows at once.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(Z > z) for a standard normal Z, with a relative error below 1.2e-7 also far in the tail. */
export function normalUpperTail(z: number): number {
  // erfc(x) by Chebyshev fitting (Numerical Recipes' erfcc), then P(Z > z) = erfc(z / sqrt 2) / 2.
  const x = z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const y =
    t *
    Math.exp(
      -ax * ax - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const erfc = x >= 0 ? y : 2 - y;
  return erfc / 2;
}

export interface MannWhitney {
  /** U of the current run: pairs (baseline, current) with the current sample larger, ties counting half. */
  u: number;
  /** U / (n1 n2): the probability that a current sample is larger than a baseline one (0.5 = no shift). */
  superiority: number;
  z: number;
  /** One-sided p-value for "the current run's samples are larger". 1 when nothing varies. */
  p: number;
}

/**
 * Mann-Whitney U test of binned samples: `base` and `current` are counts per bucket (same layout, same
 * length). Samples in one bucket are ties and get the bucket's midrank; the variance carries the usual tie
 * correction. One-sided: is the current run stochastically larger (slower)? Normal approximation, fine
 * for the sample sizes it is used at (20 or more per side).
 */
export function mannWhitneyBinned(base: ArrayLike<number>, current: ArrayLike<number>): MannWhitney {
  if (base.length !== current.length) throw new Error('histograms of different layouts');
  let n1 = 0;
  let n2 = 0;
  for (let k = 0; k < base.length; k++) {
    n1 += base[k];
    n2 += current[k];
  }
  const n = n1 + n2;
  if (n1 === 0 || n2 === 0) return { u: 0, superiority: 0.5, z: 0, p: 1 };
  let below = 0;
  let rankSum = 0;
  let ties = 0;
  for (let k = 0; k < base.length; k++) {
    const t = base[k] + current[k];
    if (t === 0) continue;
    rankSum += current[k] * (below + (t + 1) / 2);
    ties += t * t * t - t;
    below += t;
  }
  const u = rankSum - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  const superiority = u / (n1 * n2);
  if (!(variance > 0)) return { u, superiority, z: 0, p: 1 };
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, superiority, z, p: Math.min(1, normalUpperTail(z)) };
}

/**
 * One-sided Fisher exact test: is the current share x2/n2 larger than the baseline's x1/n1? The
 * probability, given both margins, of x2 or more of the x1 + x2 "hits" falling in the current run.
 */
export function fisherGreater(x1: number, n1: number, x2: number, n2: number): number {
  const hits = x1 + x2;
  const total = n1 + n2;
  if (n1 <= 0 || n2 <= 0 || hits === 0 || hits === total) return 1;
  const lnChoose = (a: number, b: number) => logGamma(a + 1) - logGamma(b + 1) - logGamma(a - b + 1);
  const lnDenominator = lnChoose(total, n2);
  const top = Math.min(hits, n2);
  let p = 0;
  for (let x = x2; x <= top; x++) {
    if (hits - x > n1) continue;
    const term = Math.exp(lnChoose(hits, x) + lnChoose(total - hits, n2 - x) - lnDenominator);
    p += term;
    if (x > x2 && term < p * 1e-12) break; // the tail beyond adds nothing a decision could see
  }
  return Math.min(1, p);
}

export interface QuantileTest {
  /** Requests per side above `thresholdMs`, the upper edge of the bucket holding the baseline's q-quantile. */
  baseAbove: number;
  currentAbove: number;
  thresholdMs: number;
  /** One-sided Fisher p-value for "more of the current run's requests are above the threshold". */
  p: number;
}

/**
 * Quantile test of binned samples: the threshold is the upper edge of the bucket where the baseline's
 * samples reach the q-quantile (q = 0.95 for p95), so at most 1 - q of the baseline lies above it; Fisher's
 * exact test asks whether the current run has a larger share above it. The baseline's share above its own
 * quantile varies from run to run about as much as a binomial share does (order statistics), which is the
 * variance the test assumes. Tests a change of the tail that a rank test over all samples can miss.
 * `edges[k]` is bucket k's upper bound (ms); undefined when the threshold bucket is the last one or the
 * baseline has no samples.
 */
export function quantileTest(base: ArrayLike<number>, current: ArrayLike<number>, q: number, edges: ArrayLike<number | null>): QuantileTest | undefined {
  let n1 = 0;
  let n2 = 0;
  for (let k = 0; k < base.length; k++) {
    n1 += base[k];
    n2 += current[k];
  }
  if (n1 === 0 || n2 === 0) return undefined;
  const target = q * n1;
  let cumulative = 0;
  let k = 0;
  for (; k < base.length; k++) {
    cumulative += base[k];
    if (cumulative >= target) break;
  }
  let baseAbove = 0;
  let currentAbove = 0;
  for (let j = k + 1; j < base.length; j++) {
    baseAbove += base[j];
    currentAbove += current[j];
  }
  const edge = edges[k];
  if (edge === null || edge === undefined) return undefined;
  return { baseAbove, currentAbove, thresholdMs: edge, p: fisherGreater(baseAbove, n1, currentAbove, n2) };
}

/**
 * Holm's step-down adjustment: adjusted p-values in the input order. Controls the chance of any false
 * alarm among all the tests of one comparison at the chosen alpha, whatever their dependence.
 */
export function holmAdjust(p: number[]): number[] {
  const order = p.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const out = new Array<number>(p.length);
  let running = 0;
  order.forEach(({ value, index }, rank) => {
    running = Math.max(running, Math.min(1, (p.length - rank) * value));
    out[index] = running;
  });
  return out;
}

/**
 * The q-quantile (0..1) of binned samples in ms, interpolated geometrically inside its bucket (linearly in
 * the lowest one). `edges[k]` is bucket k's upper bound, `lower` the lowest bucket's lower bound. For
 * display when k6's own percentile is missing; undefined without samples.
 */
export function binnedQuantile(counts: ArrayLike<number>, edges: ArrayLike<number | null>, q: number, lower = 0): number | undefined {
  let n = 0;
  for (let k = 0; k < counts.length; k++) n += counts[k];
  if (n === 0) return undefined;
  const target = q * n;
  let cumulative = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k];
    if (c > 0 && cumulative + c >= target) {
      const lo = k === 0 ? lower : (edges[k - 1] as number);
      const hi = edges[k] ?? lo * 2;
      const f = (target - cumulative) / c;
      return lo > 0 ? lo * (hi / lo) ** f : lo + (hi - lo) * f;
    }
    cumulative += c;
  }
  return undefined;
}
