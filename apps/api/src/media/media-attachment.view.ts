import { Injectable } from '@nestjs/common';
import { MediaStorage } from '@fediflow/media';

export type MediaType = 'image' | 'gifv' | 'video' | 'audio' | 'unknown';
export type MediaProcessing = 'processing' | 'processed' | 'failed' | 'remote';

/** The columns media queries select (`m` is the alias), also inside JSON aggregates. */
export const MEDIA_COLUMNS = `m.id::text AS id, m.account_id::text AS account_id, m.status_id::text AS status_id,
  m.type, m.processing, m.processing_error, m.file_key, m.small_file_key, m.width, m.height,
  m.small_width, m.small_height, m.focus_x, m.focus_y, m.blurhash, m.description, m.remote_url,
  m.created_at`;

/** A status's media as a JSON array in attachment order, for the status query. */
export const STATUS_MEDIA_JSON = `coalesce((SELECT json_agg(row_to_json(mj) ORDER BY mj.position, mj.id)
  FROM (SELECT ${MEDIA_COLUMNS}, m.position FROM media_attachments m WHERE m.status_id = s.id) mj), '[]')`;

export interface MediaRow {
  id: string;
  account_id: string;
  status_id: string | null;
  type: MediaType;
  processing: MediaProcessing;
  processing_error: string | null;
  file_key: string | null;
  small_file_key: string | null;
  width: number | null;
  height: number | null;
  small_width: number | null;
  small_height: number | null;
  focus_x: number;
  focus_y: number;
  blurhash: string | null;
  description: string;
  remote_url: string | null;
  created_at: Date | string;
}

interface Dimensions {
  width: number;
  height: number;
  size: string;
  aspect: number;
}

/** Mastodon's MediaAttachment entity. */
export interface MediaAttachmentJson {
  id: string;
  type: MediaType;
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  preview_remote_url: null;
  text_url: null;
  meta: { original?: Dimensions; small?: Dimensions; focus: { x: number; y: number } };
  description: string | null;
  blurhash: string | null;
}

function dimensions(width: number | null, height: number | null): Dimensions | undefined {
  if (!width || !height) return undefined;
  return { width, height, size: `${width}x${height}`, aspect: width / height };
}

/** Renders media rows; remote media are shown from their origin (`remote_url`), not proxied. */
@Injectable()
export class MediaAttachmentView {
  constructor(private readonly storage: MediaStorage) {}

  toJson(row: MediaRow): MediaAttachmentJson {
    const url = row.file_key ? this.storage.url(row.file_key) : row.remote_url;
    // Video and audio have no preview image (nothing extracts a frame here): null, which
    // Mastodon clients show as a placeholder.
    const playable = row.type === 'video' || row.type === 'audio' || row.type === 'gifv';
    const preview = row.small_file_key
      ? this.storage.url(row.small_file_key)
      : playable
        ? null
        : url;
    const original = dimensions(row.width, row.height);
    const small = dimensions(row.small_width, row.small_height);
    return {
      id: String(row.id),
      type: row.type,
      url,
      preview_url: preview,
      remote_url: row.remote_url,
      preview_remote_url: null,
      text_url: null,
      meta: {
        ...(original ? { original } : {}),
        ...(small ? { small } : {}),
        focus: { x: row.focus_x, y: row.focus_y },
      },
      description: row.description === '' ? null : row.description,
      blurhash: row.blurhash,
    };
  }
}
