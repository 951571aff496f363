/**
 * One pending run, at the earliest time anyone asked for. A request for later than what is
 * already due changes nothing, so a stream of "soon" requests can never postpone a run forever
 * (the outbox relay once re-armed its timer on every write and, under steady load, never ran).
 */
export class EarliestTimer {
  private timer: NodeJS.Timeout | undefined;
  private dueAt = Number.POSITIVE_INFINITY;

  constructor(private readonly run: () => void) {}

  /** Runs after `delayMs` unless a run is already due sooner. */
  schedule(delayMs: number): void {
    const dueAt = Date.now() + delayMs;
    if (this.timer && this.dueAt <= dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Number.POSITIVE_INFINITY;
      this.run();
    }, delayMs);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
  }
}
