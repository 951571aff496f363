import { Injectable } from '@nestjs/common';
import { MediaStorage } from '@fediflow/media';
import { DataSource } from 'typeorm';

const BATCH = 500;

/**
 * Deletes uploads never attached to a status (or left when their status was deleted or edited)
 * once they are older than the retention, files first and then rows, so a failure leaves rows to
 * retry rather than files nobody knows of. Remote media have no files of ours.
 */
@Injectable()
export class PruneUnattachedMedia {
  constructor(
    private readonly db: DataSource,
    private readonly storage: MediaStorage,
  ) {}

  async run(retentionHours: number): Promise<{ deleted: number }> {
    let deleted = 0;
    for (;;) {
      const rows: { id: string; file_key: string | null; small_file_key: string | null }[] =
        await this.db.query(
          `SELECT id::text AS id, file_key, small_file_key FROM media_attachments
            WHERE status_id IS NULL AND created_at < now() - make_interval(hours => $1)
            ORDER BY created_at LIMIT ${BATCH}`,
          [retentionHours],
        );
      if (rows.length === 0) return { deleted };
      const keys = rows.flatMap((row) => [row.file_key, row.small_file_key]);
      await this.storage.delete(keys.filter((key): key is string => key !== null));
      await this.db.query(
        `DELETE FROM media_attachments WHERE id = ANY($1::bigint[]) AND status_id IS NULL`,
        [rows.map((row) => row.id)],
      );
      deleted += rows.length;
      if (rows.length < BATCH) return { deleted };
    }
  }
}
