import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { APP_CONFIG, type FederationConfig } from '@fediflow/config';
import type { ReadinessCheck } from '@fediflow/health';

/**
 * Reports whether federation is switched on. Switched off is still ready: the service then
 * answers federation routes with 404 but must keep serving (and keep queued work).
 */
@Injectable()
export class FederationStatusCheck implements ReadinessCheck {
  readonly key = 'federation';

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: FederationConfig,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    return this.indicators.check(this.key).up({ enabled: this.config.FEDERATION_ENABLED });
  }
}
