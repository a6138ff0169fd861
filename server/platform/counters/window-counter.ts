/**
 * Counts events per key (a client) in fixed windows, in this process's memory:
 * the general per-client request limit, checked on every request, where a
 * database round trip would cost more than it saves (the counters that must
 * hold across instances are in the database: server/platform/counters/shared-counters.ts).
 * Keys are swept when many pile up, so a flood of distinct keys costs bounded memory.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly options: {
      /** Events a key may have in one window. */
      max: number;
      windowMs: number;
      now: () => number;
      /** Keys kept before expired windows are swept (and then the oldest dropped). */
      maxKeys?: number;
    },
  ) {}

  /** How many events the key has in its current window. */
  count(key: string): number {
    const window = this.windows.get(key);
    return window && this.options.now() - window.startedAt < this.options.windowMs ? window.count : 0;
  }

  /** True when the key has used up its window. */
  exhausted(key: string): boolean {
    return this.count(key) >= this.options.max;
  }

  /** Records one event and returns the key's count in the window, this event included. */
  add(key: string): number {
    const now = this.options.now();
    const window = this.windows.get(key);
    if (window && now - window.startedAt < this.options.windowMs) return ++window.count;
    this.windows.delete(key);
    this.windows.set(key, { startedAt: now, count: 1 });
    if (this.windows.size > (this.options.maxKeys ?? 100_000)) this.sweep(now);
    return 1;
  }

  /** Milliseconds until the key's window ends (0 when it has none). */
  retryAfterMs(key: string): number {
    const window = this.windows.get(key);
    return window ? Math.max(0, window.startedAt + this.options.windowMs - this.options.now()) : 0;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.options.windowMs) this.windows.delete(key);
    // Still too many live keys: the oldest windows go first (a Map iterates in insertion order, renewed on each new window).
    const limit = this.options.maxKeys ?? 100_000;
    for (const key of this.windows.keys()) {
      if (this.windows.size <= limit) break;
      this.windows.delete(key);
    }
  }
}
