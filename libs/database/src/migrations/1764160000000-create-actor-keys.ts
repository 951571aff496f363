import type { MigrationInterface, QueryRunner } from 'typeorm';

const KEY_COLUMNS = `
     rsa_public_jwk      jsonb       NOT NULL,
     rsa_private_jwk     jsonb       NOT NULL,
     ed25519_public_jwk  jsonb       NOT NULL,
     ed25519_private_jwk jsonb       NOT NULL,
     created_at          timestamptz NOT NULL DEFAULT now()`;

/**
 * ActivityPub key pairs (RSA for HTTP Signatures, Ed25519 for Object Integrity Proofs), generated
 * once per local actor on first use and never regenerated: remote servers cache public keys.
 * The instance actor (`/actor`, used to sign fetches) is no account, so its keys have a one-row
 * table of their own.
 */
export class CreateActorKeys1764160000000 implements MigrationInterface {
  name = 'CreateActorKeys1764160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE actor_keys (
        account_id bigint PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,${KEY_COLUMNS}
      )`);
    await queryRunner.query(`
      CREATE TABLE instance_actor_keys (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),${KEY_COLUMNS}
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE instance_actor_keys, actor_keys`);
  }
}
