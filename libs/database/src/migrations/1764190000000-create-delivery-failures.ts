import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outgoing deliveries that failed, one row per activity and inbox, for operators (the workers'
 * `deliveries failed` command) rather than for the retries themselves, which live in the queue.
 * A row is removed when a later attempt gets through; `permanent` rows were given up (404/410,
 * retries exhausted, or the host unreachable for too long).
 */
export class CreateDeliveryFailures1764190000000 implements MigrationInterface {
  name = 'CreateDeliveryFailures1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE delivery_failures (
        id              bigserial   PRIMARY KEY,
        inbox_url       text        NOT NULL,
        host            text        NOT NULL,
        activity_id     text        NOT NULL,
        activity_type   text        NOT NULL,
        attempts        integer     NOT NULL CHECK (attempts > 0),
        last_status     integer,
        last_error      text        NOT NULL,
        permanent       boolean     NOT NULL DEFAULT false,
        first_failed_at timestamptz NOT NULL DEFAULT now(),
        last_failed_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (inbox_url, activity_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX delivery_failures_last_failed_at ON delivery_failures (last_failed_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX delivery_failures_host ON delivery_failures (host, last_failed_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE delivery_failures`);
  }
}
