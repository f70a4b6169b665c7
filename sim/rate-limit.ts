// DMS's global fixed-window limiter, partitioned by the raw Host header (every client that sends the
// same host shares one bucket). Each partition's window starts with its first request; a refusal's
// Retry-After is the whole window, as .NET's fixed-window limiter reports it.

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
    // .NET's FixedWindowRateLimiter (QueueLimit 0) reports the whole window as RetryAfter, not the time left
    // in it, and DMS rounds it up to whole seconds (WebApplicationBuilderExtensions.ConfigureRateLimit).
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(this.settings.rateLimitWindowSeconds)) };
  }

  clear(): void {
    this.windows.clear();
  }
}
