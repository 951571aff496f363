import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { APP_CONFIG, type FederationConfig } from '@fediflow/config';
import { FederationRuntime } from '@fediflow/federation';
import { errorMessage, withTimeout, type ReadinessCheck } from '@fediflow/health';

const PROBE_TIMEOUT_MS = 1_500;

/**
 * Fedify's queue answers on its own Redis connection (the one inbox POSTs enqueue on, which
 * waits out outages instead of failing): a node that cannot enqueue must not take deliveries.
 * Reads the queue's counters, so a broken queue (not only an unreachable Redis) shows too.
 */
@Injectable()
export class FederationQueueCheck implements ReadinessCheck {
  readonly key = 'federation_queue';

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runtime: FederationRuntime,
    @Inject(APP_CONFIG) private readonly config: FederationConfig,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(this.key);
    // Switched off, nothing is enqueued here and the connection stays closed.
    if (!this.config.FEDERATION_ENABLED) return indicator.up({ enabled: false });
    try {
      const stats = await withTimeout(this.runtime.queue.stats(), PROBE_TIMEOUT_MS, 'queue stats');
      return indicator.up({ ready: stats.ready, delayed: stats.delayed });
    } catch (error) {
      return indicator.down({ message: `federation queue unavailable: ${errorMessage(error)}` });
    }
  }
}
