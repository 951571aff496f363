import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Remote servers' custom emoji (Mastodon/Misskey `Emoji` tags: `:shortcode:` and an image), one
 * per shortcode and domain, refreshed whenever a post, profile or reaction carries it; and the
 * reaction of a favourite that came as an emoji reaction (Misskey, Pleroma `EmojiReact`): the
 * emoji text, and the image of a custom one.
 */
export class CreateCustomEmojis1764290000000 implements MigrationInterface {
  name = 'CreateCustomEmojis1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE custom_emojis (
         id         bigint      PRIMARY KEY DEFAULT snowflake_id(),
         shortcode  text        NOT NULL,
         domain     text        NOT NULL,
         url        text        NOT NULL,
         static_url text,
         updated_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (domain, shortcode)
       )`,
    );
    await queryRunner.query(
      `ALTER TABLE favourites ADD COLUMN reaction text, ADD COLUMN reaction_url text`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE favourites DROP COLUMN reaction, DROP COLUMN reaction_url`,
    );
    await queryRunner.query(`DROP TABLE custom_emojis`);
  }
}
