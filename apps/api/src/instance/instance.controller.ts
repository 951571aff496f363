import { Controller, Get, Inject } from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import { DataSource } from 'typeorm';
import { PublicUrls } from '../common/public-urls';
import { MAX_STATUS_CHARACTERS } from '../statuses/statuses.service';
import { INSTANCE_NAME } from '../common/instance-name';
import { SUPPORTED_MIME_TYPES } from '@fediflow/media';
import { MAX_MEDIA_PER_STATUS } from '../media/media-limits';

/** The Mastodon API version FediFlow's subset follows; clients branch on it. */
const COMPATIBLE_VERSION = '4.3.0 (compatible; FediFlow 0.1.0)';

/** What clients size uploads and posts by (Mastodon's instance `configuration`). */
function limitsOf(config: ApiConfig) {
  return {
    statuses: {
      max_characters: MAX_STATUS_CHARACTERS,
      max_media_attachments: MAX_MEDIA_PER_STATUS,
      characters_reserved_per_url: 23,
    },
    media_attachments: {
      // Only what is accepted: video and audio are stored as they are (not transcoded).
      supported_mime_types: SUPPORTED_MIME_TYPES,
      image_size_limit: config.MEDIA_MAX_BYTES,
      image_matrix_limit: config.MEDIA_MAX_INPUT_PIXELS,
      video_size_limit: config.MEDIA_MAX_VIDEO_BYTES,
      // Not checked (nothing decodes video here); Mastodon's own limits.
      video_frame_rate_limit: 120,
      video_matrix_limit: 8_294_400,
    },
    polls: { max_options: 0, max_characters_per_option: 0, min_expiration: 0, max_expiration: 0 },
  };
}

@Controller('/api')
export class InstanceController {
  constructor(
    private readonly db: DataSource,
    private readonly urls: PublicUrls,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('v1/instance')
  async v1() {
    const stats = await this.stats();
    return {
      uri: this.urls.host,
      title: INSTANCE_NAME,
      short_description: 'A FediFlow community',
      description: 'A FediFlow community on the fediverse.',
      email: '',
      version: COMPATIBLE_VERSION,
      urls: { streaming_api: this.streamingUrl() },
      stats,
      thumbnail: null,
      languages: ['en'],
      registrations: this.config.REGISTRATIONS_OPEN,
      approval_required: false,
      invites_enabled: false,
      configuration: { accounts: { max_featured_tags: 0 }, ...limitsOf(this.config) },
      contact_account: null,
      rules: [],
    };
  }

  @Get('v2/instance')
  async v2() {
    const stats = await this.stats();
    return {
      domain: this.urls.host,
      title: INSTANCE_NAME,
      version: COMPATIBLE_VERSION,
      source_url: 'https://github.com/fediflow/fediflow',
      description: 'A FediFlow community on the fediverse.',
      usage: { users: { active_month: stats.user_count } },
      thumbnail: { url: this.urls.missingHeader },
      languages: ['en'],
      configuration: {
        urls: { streaming: this.streamingUrl() },
        accounts: { max_featured_tags: 0, max_pinned_statuses: 0 },
        ...limitsOf(this.config),
        translation: { enabled: false },
      },
      registrations: {
        enabled: this.config.REGISTRATIONS_OPEN,
        approval_required: false,
        message: null,
      },
      contact: { email: '', account: null },
      rules: [],
    };
  }

  private streamingUrl(): string {
    return this.urls.origin.replace(/^http/, 'ws');
  }

  private async stats(): Promise<{
    user_count: number;
    status_count: number;
    domain_count: number;
  }> {
    const [row]: { user_count: number; status_count: number; domain_count: number }[] =
      await this.db.query(
        `SELECT (SELECT count(*)::int FROM users) AS user_count,
              (SELECT count(*)::int FROM statuses WHERE local AND reblog_of_id IS NULL) AS status_count,
              (SELECT count(DISTINCT domain)::int FROM accounts WHERE domain IS NOT NULL) AS domain_count`,
      );
    return row!;
  }
}
