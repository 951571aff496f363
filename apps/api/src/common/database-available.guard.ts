import {
  Injectable,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { DatabaseConnector } from '@fediflow/database';
import { HealthController } from '@fediflow/health';

/**
 * While PostgreSQL is not (yet) connected, API calls get a clear 503 instead of failing deep in a
 * query with a 500; readiness keeps load balancers away meanwhile, this covers the race.
 */
@Injectable()
export class DatabaseAvailableGuard implements CanActivate {
  constructor(private readonly connector: DatabaseConnector) {}

  canActivate(context: ExecutionContext): boolean {
    // Probes must report the outage themselves (/health stays 200, /ready says why it is 503).
    if (this.connector.connected || context.getClass() === HealthController) return true;
    throw new ServiceUnavailableException({ error: 'The database is unavailable; retry shortly' });
  }
}
