// DMS's global fixed-window limiter, partitioned by the raw Host header (every client that sends the
// same host shares one bucket). Each partition's window starts with its first request.

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private windows = new Map<string, { startMs: number; count: number }>();

  constructor(
    private readonly settings: { rateLimitPermits: number; rateLimitWindowSeconds: number },
    private readonly clock: () => number,
  ) {}

  take(host: string): LimitResult {
    const permits = this.settings.rateLimitPermits;
    if (permits <= 0) return { ok: true };
    const now = this.clock();
    const windowMs = this.settings.rateLimitWindowSeconds * 1000;
    let w = this.windows.get(host);
    if (!w || now - w.startMs >= windowMs) {
      w = { startMs: now, count: 0 };
      this.windows.set(host, w);
    }
    if (w.count < permits) {
      w.count++;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.startMs + windowMs - now) / 1000)) };
  }

  clear(): void {
    this.windows.clear();
  }
}
