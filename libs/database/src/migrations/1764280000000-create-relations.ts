import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member's relations beyond follows (Mastodon's model): blocks (local or remote, either side),
 * mutes (optionally of notifications, optionally until a time), user-level domain blocks
 * (distinct from the admin `domain_blocks`), lists of followed accounts, and the revisions of
 * edited statuses (Mastodon's StatusEdit).
 */
export class CreateRelations1764280000000 implements MigrationInterface {
  name = 'CreateRelations1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE status_edits, list_accounts, lists, account_domain_blocks, mutes, blocks`,
    );
  }
}

const UP = [
  `CREATE TABLE blocks (
     id                bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id        bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     target_account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     uri               text,       -- the Block activity's id (ours, or the remote blocker's)
     created_at        timestamptz NOT NULL DEFAULT now(),
     UNIQUE (account_id, target_account_id),
     CHECK (account_id <> target_account_id)
   )`,
  // blocked_by and the "blocks the viewer" half of the timeline filters.
  `CREATE INDEX blocks_target_account_id_idx ON blocks (target_account_id)`,
  `CREATE TABLE mutes (
     id                 bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id         bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     target_account_id  bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     hide_notifications boolean     NOT NULL DEFAULT true,
     expires_at         timestamptz, -- NULL: until unmuted
     created_at         timestamptz NOT NULL DEFAULT now(),
     UNIQUE (account_id, target_account_id),
     CHECK (account_id <> target_account_id)
   )`,
  `CREATE TABLE account_domain_blocks (
     id         bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     domain     text        NOT NULL CHECK (domain = lower(domain)),
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (account_id, domain)
   )`,
  `CREATE TABLE lists (
     id             bigint PRIMARY KEY DEFAULT snowflake_id(),
     account_id     bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     title          text        NOT NULL CHECK (title <> ''),
     replies_policy text        NOT NULL DEFAULT 'list' CHECK (replies_policy IN ('followed', 'list', 'none')),
     exclusive      boolean     NOT NULL DEFAULT false,
     created_at     timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX lists_account_id_idx ON lists (account_id, id)`,
  // A member of a list is a followed account: the row goes with the follow (Mastodon's ListAccount).
  `CREATE TABLE list_accounts (
     id         bigint PRIMARY KEY DEFAULT snowflake_id(),
     list_id    bigint NOT NULL REFERENCES lists ON DELETE CASCADE,
     account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
     follow_id  bigint NOT NULL REFERENCES follows ON DELETE CASCADE,
     UNIQUE (list_id, account_id)
   )`,
  `CREATE INDEX list_accounts_account_id_idx ON list_accounts (account_id)`,
  `CREATE INDEX list_accounts_follow_id_idx ON list_accounts (follow_id)`,
  `CREATE TABLE status_edits (
     id           bigint PRIMARY KEY DEFAULT snowflake_id(),
     status_id    bigint      NOT NULL REFERENCES statuses ON DELETE CASCADE,
     account_id   bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
     content      text        NOT NULL,
     spoiler_text text        NOT NULL DEFAULT '',
     sensitive    boolean     NOT NULL DEFAULT false,
     created_at   timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX status_edits_status_id_idx ON status_edits (status_id, created_at, id)`,
];
