import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessCheck } from '@fediflow/health';
import { QueueConsumers } from './queue-consumers';

/** The workers' own duty: every queue consumer is running and connected. */
@Injectable()
export class QueueConsumersCheck implements ReadinessCheck {
  readonly key = 'queues';

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly consumers: QueueConsumers,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(this.key);
    return this.consumers.running
      ? indicator.up()
      : indicator.down({ message: 'queue consumers not running' });
  }
}
