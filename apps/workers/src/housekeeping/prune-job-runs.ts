import { Injectable } from '@nestjs/common';
import { deleteInBatches } from '@fediflow/database';
import { DataSource } from 'typeorm';

/** Deletes finished job history older than the retention, in batches to keep locks short. */
@Injectable()
export class PruneJobRuns {
  constructor(private readonly dataSource: DataSource) {}

  run(retentionDays: number, batchSize?: number): Promise<{ deleted: number }> {
    return deleteInBatches(
      this.dataSource,
      'job_runs',
      `outcome <> 'running' AND started_at < now() - make_interval(days => $1)`,
      [retentionDays],
      batchSize,
    );
  }
}
