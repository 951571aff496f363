import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import {
  acceptAudioVideo,
  checkImage,
  checkImageSize,
  MediaError,
  mediaKeys,
  MediaStorage,
  processAttachmentImage,
  processProfileImage,
  sniffMediaFile,
  type ProfileImageKind,
  type SniffedMedia,
} from '@fediflow/media';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import type { UploadedFile } from '../http/request-bodies';
import { imageLimits, MAX_MEDIA_PER_STATUS } from './media-limits';
import { MediaProcessingRunner } from './media-processing.runner';

export interface MediaDetails {
  description?: string;
  focus?: { x: number; y: number };
}

/**
 * Uploads of members: attachments (processed now, or after the response for the v2 endpoint),
 * their alt text and focal point, attaching them to statuses, and avatars and headers.
 */
@Injectable()
export class MediaService {
  constructor(
    private readonly db: DataSource,
    private readonly storage: MediaStorage,
    private readonly runner: MediaProcessingRunner,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** Processes and stores an upload before answering (`POST /api/v1/media`). */
  async uploadNow(accountId: string, file: UploadedFile, details: MediaDetails): Promise<string> {
    const sniffed = await this.check(() => sniffMediaFile(file.path));
    const id = await this.insert(accountId, details, sniffed.kind);
    if (sniffed.kind === 'image') {
      const data = await this.readImage(file);
      await this.processImage(id, accountId, data, { throwOnFailure: true });
    } else {
      await this.storeAudioVideo(id, accountId, file, sniffed, { throwOnFailure: true });
    }
    return id;
  }

  /**
   * Checks an upload (size, type, pixels) and answers; the image work runs after the response
   * (`POST /api/v2/media`), and `GET /api/v1/media/:id` shows when it is done. Video and audio
   * need no work: they are stored before answering (their temporary file goes with the response).
   */
  async uploadLater(accountId: string, file: UploadedFile, details: MediaDetails): Promise<string> {
    const sniffed = await this.check(() => sniffMediaFile(file.path));
    if (sniffed.kind !== 'image') {
      const id = await this.insert(accountId, details, sniffed.kind);
      await this.storeAudioVideo(id, accountId, file, sniffed, { throwOnFailure: true });
      return id;
    }
    const data = await this.readImage(file);
    await this.check(() => checkImage(data, imageLimits(this.config)));
    const id = await this.insert(accountId, details, 'image');
    this.runner.enqueue(() => this.processImage(id, accountId, data, { throwOnFailure: false }));
    return id;
  }

  /** Alt text and focal point of an own upload not yet attached (Mastodon's rule). */
  async update(accountId: string, id: string, details: MediaDetails): Promise<void> {
    // A CTE, because TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const [updated]: { n: number }[] = await this.db.query(
      `WITH changed AS (
         UPDATE media_attachments
            SET description = coalesce($3, description), focus_x = coalesce($4, focus_x),
                focus_y = coalesce($5, focus_y), updated_at = now()
          WHERE id = $1 AND account_id = $2 AND status_id IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [
        id,
        accountId,
        details.description ?? null,
        details.focus?.x ?? null,
        details.focus?.y ?? null,
      ],
    );
    if (!updated || updated.n === 0) throw ApiError.notFound();
  }

  /**
   * Makes exactly `mediaIds` (in that order) the media of a status of `accountId`, in the
   * status's transaction: each must be the poster's own, processed, and not on another status.
   */
  async attach(
    manager: EntityManager,
    accountId: string,
    statusId: string,
    mediaIds: readonly string[],
  ): Promise<void> {
    if (new Set(mediaIds).size !== mediaIds.length) {
      throw ApiError.invalid('media_ids', 'must not repeat a media attachment');
    }
    if (mediaIds.length > MAX_MEDIA_PER_STATUS) {
      throw ApiError.invalid('media_ids', `must be at most ${MAX_MEDIA_PER_STATUS}`);
    }
    const rows: { id: string; status_id: string | null; processing: string }[] =
      mediaIds.length === 0
        ? []
        : await manager.query(
            `SELECT id::text AS id, status_id::text AS status_id, processing FROM media_attachments
              WHERE id = ANY($1::bigint[]) AND account_id = $2 FOR UPDATE`,
            [mediaIds, accountId],
          );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const id of mediaIds) {
      const row = byId.get(id);
      if (!row) throw ApiError.invalid('media_ids', `has no media attachment ${id} of yours`);
      if (row.status_id !== null && row.status_id !== statusId) {
        throw ApiError.invalid(
          'media_ids',
          `has media attachment ${id}, already attached to another status`,
        );
      }
      if (row.processing !== 'processed') {
        throw new ApiError(
          ErrorCode.Unprocessable,
          'Cannot attach files that have not finished processing. Try again in a moment!',
        );
      }
    }
    await manager.query(
      `UPDATE media_attachments SET status_id = NULL, updated_at = now()
        WHERE status_id = $1 AND NOT (id = ANY($2::bigint[]))`,
      [statusId, mediaIds],
    );
    if (mediaIds.length > 0) {
      await manager.query(
        `UPDATE media_attachments m SET status_id = $1, position = list.position, updated_at = now()
           FROM unnest($2::bigint[]) WITH ORDINALITY AS list(id, position)
          WHERE m.id = list.id`,
        [statusId, mediaIds],
      );
    }
  }

  /** Replaces a member's avatar or header; the previous file is deleted once the new one shows. */
  async setProfileImage(
    accountId: string,
    kind: ProfileImageKind,
    file: UploadedFile,
  ): Promise<{ column: 'avatar_file_key' | 'header_file_key'; key: string }> {
    const data = await this.readImage(file);
    const image = await this.check(() => processProfileImage(data, kind, imageLimits(this.config)));
    const { original } = mediaKeys(kind === 'avatar' ? 'avatars' : 'headers', accountId, {
      original: image.extension,
    });
    await this.storage.put(original, image.data, image.contentType);
    return { column: kind === 'avatar' ? 'avatar_file_key' : 'header_file_key', key: original };
  }

  /** Removes files no row points at any more (best effort: housekeeping catches the rest). */
  async discard(keys: readonly (string | null)[]): Promise<void> {
    const present = keys.filter((key): key is string => !!key);
    if (present.length > 0) await this.storage.delete(present).catch(() => undefined);
  }

  private async insert(
    accountId: string,
    details: MediaDetails,
    kind: 'image' | 'video' | 'audio' = 'image',
  ): Promise<string> {
    const [row]: { id: string }[] = await this.db.query(
      `INSERT INTO media_attachments (account_id, type, processing, description, focus_x, focus_y)
       VALUES ($1, $5, 'processing', $2, $3, $4) RETURNING id::text AS id`,
      [accountId, details.description ?? '', details.focus?.x ?? 0, details.focus?.y ?? 0, kind],
    );
    return row!.id;
  }

  /** An image upload's bytes, once its size is known to be within the image limit. */
  private async readImage(file: UploadedFile): Promise<Buffer> {
    await this.check(async () => checkImageSize(file.size, imageLimits(this.config)));
    return file.read();
  }

  /** Streams a video or audio upload to storage as it is. */
  private async storeAudioVideo(
    id: string,
    accountId: string,
    upload: UploadedFile,
    sniffed: Extract<SniffedMedia, { kind: 'video' | 'audio' }>,
    options: { throwOnFailure: boolean },
  ): Promise<void> {
    await this.recordingFailure(id, options, async () => {
      const file = await this.check(async () =>
        acceptAudioVideo(upload.size, sniffed, this.config.MEDIA_MAX_VIDEO_BYTES),
      );
      const { original } = mediaKeys('media_attachments', accountId, {
        original: file.extension,
      });
      await this.storage.putFile(original, upload.path, file.contentType);
      await this.db.query(
        `UPDATE media_attachments
            SET processing = 'processed', type = $2, file_key = $3, content_type = $4,
                file_size = $5, updated_at = now()
          WHERE id = $1`,
        [id, file.kind, original, file.contentType, upload.size],
      );
    });
  }

  private async processImage(
    id: string,
    accountId: string,
    data: Buffer,
    options: { throwOnFailure: boolean },
  ): Promise<void> {
    await this.recordingFailure(id, options, async () => {
      const image = await this.check(() => processAttachmentImage(data, imageLimits(this.config)));
      const keys = mediaKeys('media_attachments', accountId, {
        original: image.original.extension,
        small: image.small.extension,
      });
      await this.storage.put(keys.original, image.original.data, image.original.contentType);
      await this.storage.put(keys.small!, image.small.data, image.small.contentType);
      await this.db.query(
        `UPDATE media_attachments
            SET processing = 'processed', file_key = $2, small_file_key = $3, content_type = $4,
                file_size = $5, width = $6, height = $7, small_width = $8, small_height = $9,
                blurhash = $10, updated_at = now()
          WHERE id = $1`,
        [
          id,
          keys.original,
          keys.small,
          image.original.contentType,
          image.original.data.length,
          image.original.width,
          image.original.height,
          image.small.width,
          image.small.height,
          image.blurhash,
        ],
      );
    });
  }

  /** Marks the upload failed (with the reason a client may show) when `work` throws. */
  private async recordingFailure(
    id: string,
    options: { throwOnFailure: boolean },
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      const reason = error instanceof ApiError ? error.message : 'Media processing failed';
      await this.db
        .query(
          `UPDATE media_attachments SET processing = 'failed', processing_error = $2,
                  updated_at = now() WHERE id = $1`,
          [id, reason],
        )
        .catch(() => undefined);
      if (options.throwOnFailure) throw error;
    }
  }

  /** A refused upload is a 422 saying why. */
  private async check<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof MediaError) {
        throw new ApiError(ErrorCode.Unprocessable, `Validation failed: ${error.message}`);
      }
      throw error;
    }
  }
}
