import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DatabaseConnector, pendingMigrations } from '@fediflow/database';
import { errorMessage, withTimeout, type ReadinessCheck } from '../readiness-check';

const PROBE_TIMEOUT_MS = 1_500;

/** PostgreSQL answers, and its schema has every migration this build expects. */
@Injectable()
export class DatabaseCheck implements ReadinessCheck {
  readonly key = 'database';
  // Once the schema is current it stays so for this process (migrations only move forward).
  private schemaCurrent = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly connector: DatabaseConnector,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(this.key);
    if (!this.connector.connected) {
      return indicator.down({ message: this.connector.lastConnectError ?? 'connecting' });
    }
    const { dataSource } = this.connector;
    try {
      await withTimeout(dataSource.query('SELECT 1'), PROBE_TIMEOUT_MS, 'SELECT 1');
      if (!this.schemaCurrent) {
        const pending = await withTimeout(
          pendingMigrations(dataSource),
          PROBE_TIMEOUT_MS,
          'migration check',
        );
        if (pending.length > 0) {
          return indicator.down({
            message: 'migrations pending (run the migrate command)',
            pending,
          });
        }
        this.schemaCurrent = true;
      }
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }
}
