import { Injectable } from '@nestjs/common';
import { affectedCount } from '@fediflow/database';
import { DataSource } from 'typeorm';

/** Deletes finished job history older than the retention, in batches to keep locks short. */
@Injectable()
export class PruneJobRuns {
  constructor(private readonly dataSource: DataSource) {}

  async run(retentionDays: number, batchSize = 5_000): Promise<{ deleted: number }> {
    let deleted = 0;
    for (;;) {
      const count = affectedCount(
        await this.dataSource.query(
          `DELETE FROM job_runs WHERE id IN (
           SELECT id FROM job_runs
            WHERE outcome <> 'running' AND started_at < now() - make_interval(days => $1)
            LIMIT $2)`,
          [retentionDays, batchSize],
        ),
      );
      deleted += count;
      if (count < batchSize) return { deleted };
    }
  }
}
