import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { APP_CONFIG, type FederationConfig } from '@fediflow/config';
import { FederationRuntime } from '@fediflow/federation';
import { errorMessage, withTimeout, type ReadinessCheck } from '@fediflow/health';

const PROBE_TIMEOUT_MS = 3_000;

/**
 * The instance actor's key pairs load from PostgreSQL (created there on first use): without them
 * this node can neither serve `/actor` nor sign the fetches it makes while verifying deliveries.
 * Loaded keys stay in memory, so after the first success this costs nothing.
 */
@Injectable()
export class SigningKeysCheck implements ReadinessCheck {
  readonly key = 'signing_keys';

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runtime: FederationRuntime,
    @Inject(APP_CONFIG) private readonly config: FederationConfig,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(this.key);
    if (!this.config.FEDERATION_ENABLED) return indicator.up({ enabled: false });
    try {
      const pairs = await withTimeout(
        this.runtime.keys.forInstance(),
        PROBE_TIMEOUT_MS,
        'loading the instance actor keys',
      );
      return indicator.up({ instanceActorKeys: pairs.length });
    } catch (error) {
      return indicator.down({
        message: `instance actor keys unavailable: ${errorMessage(error)}`,
      });
    }
  }
}
