import { Temporal as Polyfill } from '@js-temporal/polyfill';

/**
 * A `Temporal.Instant` as Fedify's vocabulary expects: Node has no global Temporal yet, so Fedify
 * uses `@js-temporal/polyfill`, whose declarations differ slightly from TypeScript's
 * `esnext.temporal` ones that Fedify's interfaces name (hence the cast).
 */
export function instant(date: Date | string): Temporal.Instant {
  const ms = typeof date === 'string' ? Date.parse(date) : date.getTime();
  return Polyfill.Instant.fromEpochMilliseconds(ms) as unknown as Temporal.Instant;
}

/** A `Temporal.Duration` of `ms` milliseconds, as Fedify expects one (same cast as above). */
export function millisecondsDuration(ms: number): Temporal.Duration {
  return Polyfill.Duration.from({ milliseconds: ms }) as unknown as Temporal.Duration;
}
