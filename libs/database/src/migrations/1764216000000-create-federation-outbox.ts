import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox of federation: an activity to deliver is written in the same
 * transaction as the member's action it announces, then relayed to the delivery queue and
 * removed. A crash between commit and enqueue leaves the row for the next relay pass.
 */
export class CreateFederationOutbox1764216000000 implements MigrationInterface {
  name = 'CreateFederationOutbox1764216000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE federation_outbox (
         id bigserial PRIMARY KEY,
         username text NOT NULL,
         activity jsonb NOT NULL,
         recipients jsonb NOT NULL,
         shared_inbox boolean NOT NULL,
         attempts integer NOT NULL DEFAULT 0,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE federation_outbox`);
  }
}
