// Request counters for /_sim/stats, keyed "METHOD /normalised/route STATUS".

export class RequestCounter {
  total = 0;
  private byKey = new Map<string, number>();

  record(method: string, route: string, status: number | 'dropped'): void {
    this.total++;
    const key = `${method} ${route} ${status}`;
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
  }

  snapshot(): { total: number; byMethodRouteStatus: Record<string, number> } {
    return { total: this.total, byMethodRouteStatus: Object.fromEntries(this.byKey) };
  }

  clear(): void {
    this.total = 0;
    this.byKey.clear();
  }
}
