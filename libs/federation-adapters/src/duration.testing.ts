import { Temporal as Polyfill } from '@js-temporal/polyfill';

/**
 * A `Temporal.Duration` as Fedify hands one over: Node has no global Temporal yet, so Fedify
 * creates them with `@js-temporal/polyfill`, whose declarations differ slightly from
 * TypeScript's `esnext.temporal` ones that Fedify's interfaces name (hence the cast).
 */
export function duration(like: Polyfill.DurationLike): Temporal.Duration {
  return Polyfill.Duration.from(like) as unknown as Temporal.Duration;
}
