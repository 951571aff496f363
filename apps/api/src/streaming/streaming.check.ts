import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessCheck } from '@fediflow/health';
import { StreamingServer } from './streaming.server';

/** The pod's Redis subscriber is connected (else its streams hear nothing); reports the load. */
@Injectable()
export class StreamingCheck implements ReadinessCheck {
  readonly key = 'streaming';

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly streaming: StreamingServer,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(this.key);
    const detail = {
      connections: this.streaming.connections,
      channels: this.streaming.hub.channelCount,
    };
    return this.streaming.hub.ready
      ? indicator.up(detail)
      : indicator.down({ ...detail, message: 'Redis subscriber not connected' });
  }
}
