import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin domain-block list: nothing is accepted from a blocked domain (or its subdomains) and
 * nothing is delivered to it. Domains are stored lower-case, punycoded and without a port.
 */
export class CreateDomainBlocks1764180000000 implements MigrationInterface {
  name = 'CreateDomainBlocks1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE domain_blocks (
        domain     text        PRIMARY KEY CHECK (domain = lower(domain) AND domain <> ''),
        reason     text        NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE domain_blocks`);
  }
}
