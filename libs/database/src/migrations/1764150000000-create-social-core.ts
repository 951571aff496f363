import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The member social core (Mastodon's model): accounts (local and remote), logins, OAuth, statuses,
 * follows, favourites, notifications, markers, and the email digest's bookkeeping.
 *
 * Ids are time-ordered 64-bit "snowflakes" (milliseconds << 16 | sequence), so `ORDER BY id` is
 * chronological and Mastodon's max_id/since_id/min_id pagination is an index range scan.
 */
export class CreateSocialCore1764150000000 implements MigrationInterface {
  name = 'CreateSocialCore1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE digest_deliveries, markers, idempotency_keys, notifications, favourites,
        status_tags, tags, mentions, statuses, follow_requests, follows, oauth_access_tokens,
        oauth_authorization_codes, oauth_applications, users, accounts`);
    await queryRunner.query(`DROP FUNCTION snowflake_id()`);
    await queryRunner.query(`DROP SEQUENCE snowflake_seq`);
  }
}

const UP = [
  `CREATE SEQUENCE snowflake_seq`,
  `CREATE FUNCTION snowflake_id() RETURNS bigint LANGUAGE sql VOLATILE AS $$
     SELECT (floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16)
            | (nextval('snowflake_seq') % 65536)
   $$`,

  `CREATE TABLE accounts (
     id               bigint PRIMARY KEY DEFAULT snowflake_id(),
     username         text        NOT NULL,
     domain           text,       -- NULL for members of this instance
     display_name     text        NOT NULL DEFAULT '',
     note             text        NOT NULL DEFAULT '',
     locked           boolean     NOT NULL DEFAULT false,
     bot              boolean     NOT NULL DEFAULT false,
     discoverable     boolean     NOT NULL DEFAULT true,
     uri              text,       -- ActivityPub id; NULL for local accounts until federation sets it
     url              text,
     inbox_url        text,
     shared_inbox_url text,
     followers_count  integer     NOT NULL DEFAULT 0,
     following_count  integer     NOT NULL DEFAULT 0,
     statuses_count   integer     NOT NULL DEFAULT 0,
     last_status_at   timestamptz,
     created_at       timestamptz NOT NULL DEFAULT now(),
     updated_at       timestamptz NOT NULL DEFAULT now(),
     CHECK (username ~ '^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$'),
     CHECK (domain IS NULL OR domain = lower(domain))
   )`,
  `CREATE UNIQUE INDEX accounts_username_domain_key ON accounts (lower(username), coalesce(domain, ''))`,
  `CREATE UNIQUE INDEX accounts_uri_key ON accounts (uri) WHERE uri IS NOT NULL`,

  `CREATE TABLE users (
     id              bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id      bigint      NOT NULL UNIQUE REFERENCES accounts ON DELETE CASCADE,
     email           text        NOT NULL,
     password_hash   text        NOT NULL,
     locale          text        NOT NULL DEFAULT 'en',
     digest_enabled  boolean     NOT NULL DEFAULT false,
     -- Every notification up to this id has been included in a digest (sent or being sent).
     digest_cursor   bigint      NOT NULL DEFAULT 0,
     unsubscribe_token text      NOT NULL,
     created_at      timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE UNIQUE INDEX users_email_key ON users (lower(email))`,
  `CREATE UNIQUE INDEX users_unsubscribe_token_key ON users (unsubscribe_token)`,

  `CREATE TABLE oauth_applications (
     id            bigint PRIMARY KEY DEFAULT snowflake_id(),
     name          text        NOT NULL,
     website       text,
     redirect_uris text[]      NOT NULL,
     scopes        text        NOT NULL,
     client_id     text        NOT NULL UNIQUE,
     client_secret_hash text   NOT NULL,
     created_at    timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE oauth_authorization_codes (
     code_hash      text PRIMARY KEY,
     application_id bigint      NOT NULL REFERENCES oauth_applications ON DELETE CASCADE,
     user_id        bigint      NOT NULL REFERENCES users ON DELETE CASCADE,
     redirect_uri   text        NOT NULL,
     scopes         text        NOT NULL,
     code_challenge text,
     code_challenge_method text CHECK (code_challenge_method IN ('S256', 'plain')),
     expires_at     timestamptz NOT NULL,
     used_at        timestamptz
   )`,
  `CREATE TABLE oauth_access_tokens (
     id             bigint PRIMARY KEY DEFAULT snowflake_id(),
     token_hash     text        NOT NULL UNIQUE,
     application_id bigint      NOT NULL REFERENCES oauth_applications ON DELETE CASCADE,
     user_id        bigint      REFERENCES users ON DELETE CASCADE, -- NULL: client_credentials
     scopes         text        NOT NULL,
     created_at     timestamptz NOT NULL DEFAULT now(),
     revoked_at     timestamptz
   )`,

  `CREATE TABLE follows (
     id                bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id        bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     target_account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     uri               text,
     created_at        timestamptz NOT NULL DEFAULT now(),
     UNIQUE (account_id, target_account_id),
     CHECK (account_id <> target_account_id)
   )`,
  `CREATE INDEX follows_target_account_id_idx ON follows (target_account_id, id)`,
  `CREATE TABLE follow_requests (
     id                bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id        bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     target_account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     uri               text,
     created_at        timestamptz NOT NULL DEFAULT now(),
     UNIQUE (account_id, target_account_id),
     CHECK (account_id <> target_account_id)
   )`,
  `CREATE INDEX follow_requests_target_account_id_idx ON follow_requests (target_account_id, id)`,

  `CREATE TABLE statuses (
     id                     bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id             bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     local                  boolean     NOT NULL,
     uri                    text,
     url                    text,
     text                   text        NOT NULL DEFAULT '',
     content                text        NOT NULL DEFAULT '',
     spoiler_text           text        NOT NULL DEFAULT '',
     sensitive              boolean     NOT NULL DEFAULT false,
     visibility             text        NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private', 'direct')),
     language               text,
     in_reply_to_id         bigint      REFERENCES statuses ON DELETE SET NULL,
     in_reply_to_account_id bigint      REFERENCES accounts ON DELETE SET NULL,
     reblog_of_id           bigint      REFERENCES statuses ON DELETE CASCADE,
     replies_count          integer     NOT NULL DEFAULT 0,
     reblogs_count          integer     NOT NULL DEFAULT 0,
     favourites_count       integer     NOT NULL DEFAULT 0,
     created_at             timestamptz NOT NULL DEFAULT now(),
     edited_at              timestamptz
   )`,
  `CREATE UNIQUE INDEX statuses_uri_key ON statuses (uri) WHERE uri IS NOT NULL`,
  // Home timeline and account pages: newest first per author.
  `CREATE INDEX statuses_account_id_id_idx ON statuses (account_id, id DESC)`,
  // Public timelines (local and federated); reblogs are not shown there.
  `CREATE INDEX statuses_public_idx ON statuses (id DESC)
     WHERE visibility = 'public' AND reblog_of_id IS NULL`,
  `CREATE INDEX statuses_local_public_idx ON statuses (id DESC)
     WHERE local AND visibility = 'public' AND reblog_of_id IS NULL`,
  `CREATE INDEX statuses_in_reply_to_id_idx ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL`,
  `CREATE UNIQUE INDEX statuses_one_reblog_per_account ON statuses (account_id, reblog_of_id)
     WHERE reblog_of_id IS NOT NULL`,

  `CREATE TABLE mentions (
     status_id  bigint NOT NULL REFERENCES statuses ON DELETE CASCADE,
     account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
     PRIMARY KEY (status_id, account_id)
   )`,
  `CREATE INDEX mentions_account_id_idx ON mentions (account_id, status_id DESC)`,
  `CREATE TABLE tags (
     id   bigint PRIMARY KEY DEFAULT snowflake_id(),
     name text NOT NULL,
     CHECK (name = lower(name))
   )`,
  `CREATE UNIQUE INDEX tags_name_key ON tags (name)`,
  `CREATE TABLE status_tags (
     status_id bigint NOT NULL REFERENCES statuses ON DELETE CASCADE,
     tag_id    bigint NOT NULL REFERENCES tags ON DELETE CASCADE,
     PRIMARY KEY (tag_id, status_id)
   )`,

  `CREATE TABLE favourites (
     id         bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     status_id  bigint      NOT NULL REFERENCES statuses ON DELETE CASCADE,
     uri        text,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (account_id, status_id)
   )`,
  `CREATE INDEX favourites_status_id_idx ON favourites (status_id)`,

  `CREATE TABLE notifications (
     id              bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id      bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     from_account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     type            text        NOT NULL
                     CHECK (type IN ('follow', 'follow_request', 'mention', 'favourite', 'reblog')),
     status_id       bigint      REFERENCES statuses ON DELETE CASCADE,
     created_at      timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX notifications_account_id_id_idx ON notifications (account_id, id DESC)`,
  // The same event never notifies twice (re-delivered activities, retried requests).
  `CREATE UNIQUE INDEX notifications_event_key
     ON notifications (account_id, type, from_account_id, coalesce(status_id, 0))`,

  `CREATE TABLE idempotency_keys (
     account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     key        text        NOT NULL,
     status_id  bigint      NOT NULL REFERENCES statuses ON DELETE CASCADE,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (account_id, key)
   )`,

  `CREATE TABLE markers (
     account_id   bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     timeline     text        NOT NULL CHECK (timeline IN ('home', 'notifications')),
     last_read_id bigint      NOT NULL,
     version      integer     NOT NULL DEFAULT 1,
     updated_at   timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (account_id, timeline)
   )`,

  // One row per digest email: written (with its Message-ID) before the SMTP send, marked sent after.
  `CREATE TABLE digest_deliveries (
     id              bigint PRIMARY KEY DEFAULT snowflake_id(),
     user_id         bigint      NOT NULL REFERENCES users ON DELETE CASCADE,
     first_notification_id bigint NOT NULL,
     last_notification_id  bigint NOT NULL,
     message_id      text        NOT NULL UNIQUE,
     status          text        NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'sent', 'failed')),
     attempts        integer     NOT NULL DEFAULT 0,
     last_error      text,
     created_at      timestamptz NOT NULL DEFAULT now(),
     sent_at         timestamptz
   )`,
  `CREATE INDEX digest_deliveries_pending_idx ON digest_deliveries (created_at) WHERE status = 'sending'`,
];
