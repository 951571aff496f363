import { Injectable, ServiceUnavailableException, type CanActivate } from '@nestjs/common';
import { DatabaseConnector } from '@fediflow/database';

/**
 * While PostgreSQL is not (yet) connected, API calls get a clear 503 instead of failing deep in a
 * query with a 500; readiness keeps load balancers away meanwhile, this covers the race.
 */
@Injectable()
export class DatabaseAvailableGuard implements CanActivate {
  constructor(private readonly connector: DatabaseConnector) {}

  canActivate(): boolean {
    if (this.connector.connected) return true;
    throw new ServiceUnavailableException({ error: 'The database is unavailable; retry shortly' });
  }
}
