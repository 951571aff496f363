import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { READINESS_CHECKS } from './health.tokens';
import type { ReadinessCheck } from './readiness-check';
import { ShutdownState } from './shutdown-state';

@Controller()
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private lastStatus: string | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownState,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
  ) {}

  /** Liveness: answering at all proves the process and its event loop work. No dependencies. */
  @Get('health')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency and duty is fine, and the service is not draining. */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    if (this.shutdown.shuttingDown) {
      const down = { shutdown: { status: 'down' as const, message: 'draining after SIGTERM' } };
      throw new ServiceUnavailableException({
        status: 'error',
        info: {},
        error: down,
        details: down,
      });
    }
    try {
      const result = await this.health.check(this.checks.map((check) => () => check.check()));
      this.noteStatus(result.status, result);
      return result;
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        this.noteStatus('error', error.getResponse());
      throw error;
    }
  }

  /** Logs transitions only: a failing probe every few seconds must not flood the logs. */
  private noteStatus(status: string, detail: unknown): void {
    if (status === this.lastStatus) return;
    const previous = this.lastStatus;
    this.lastStatus = status;
    if (status === 'ok') {
      if (previous) this.logger.log(`ready again (was ${previous})`);
    } else {
      this.logger.warn({ msg: `not ready: ${status}`, readiness: detail });
    }
  }
}
