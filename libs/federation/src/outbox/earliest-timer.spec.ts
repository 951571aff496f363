import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EarliestTimer } from './earliest-timer';

describe('EarliestTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs while requests keep arriving faster than the delay they ask for', () => {
    const run = vi.fn();
    const timer = new EarliestTimer(run);
    // A write every 10 ms, each asking for a pass 25 ms later (the relay's prompt pass).
    for (let elapsed = 0; elapsed < 100; elapsed += 10) {
      timer.schedule(25);
      vi.advanceTimersByTime(10);
    }
    expect(run.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('moves a run earlier, never later', () => {
    const run = vi.fn();
    const timer = new EarliestTimer(run);
    timer.schedule(1_000);
    timer.schedule(25);
    vi.advanceTimersByTime(25);
    expect(run).toHaveBeenCalledTimes(1);
    timer.schedule(25);
    timer.schedule(1_000);
    vi.advanceTimersByTime(25);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('runs nothing once cancelled', () => {
    const run = vi.fn();
    const timer = new EarliestTimer(run);
    timer.schedule(10);
    timer.cancel();
    vi.advanceTimersByTime(100);
    expect(run).not.toHaveBeenCalled();
  });
});
