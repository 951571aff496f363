import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox journal: an inbound activity is written here before the inbox answers 202 and
 * removed once a worker has handled it, so an activity the sender considers delivered survives
 * the loss of the Redis queue it waits in. `epoch` is the Redis dataset it was queued in
 * (libs/redis RedisEpoch); `json`, not `jsonb`, keeps the activity's bytes and costs no parsing.
 * Ids are made by the writer, so that concurrent activities are inserted (and committed) as one.
 */
export class CreateInboxJournal1764250000000 implements MigrationInterface {
  name = 'CreateInboxJournal1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE inbox_journal (
         id           uuid        PRIMARY KEY,
         message      json        NOT NULL,
         ordering_key text,
         epoch        text        NOT NULL,
         due_at       timestamptz NOT NULL DEFAULT now(),
         created_at   timestamptz NOT NULL DEFAULT now()
       )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox_journal`);
  }
}
