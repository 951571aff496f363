import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Relayed outbox rows are kept for a redelivery window instead of deleted at once: `relayed_at`
 * says when a row went into Fedify's queue and `relayed_epoch` into which Redis (its epoch
 * marker), so rows relayed into a Redis that was then lost are relayed again.
 */
export class FederationOutboxRedelivery1764240000000 implements MigrationInterface {
  name = 'FederationOutboxRedelivery1764240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE federation_outbox ADD COLUMN relayed_at timestamptz,
                                     ADD COLUMN relayed_epoch text`,
    );
    await queryRunner.query(
      `CREATE INDEX federation_outbox_pending ON federation_outbox (id) WHERE relayed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX federation_outbox_relayed ON federation_outbox (relayed_at)
        WHERE relayed_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM federation_outbox WHERE relayed_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX federation_outbox_relayed`);
    await queryRunner.query(`DROP INDEX federation_outbox_pending`);
    await queryRunner.query(
      `ALTER TABLE federation_outbox DROP COLUMN relayed_epoch, DROP COLUMN relayed_at`,
    );
  }
}
