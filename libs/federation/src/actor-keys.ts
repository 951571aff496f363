import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify';
import type { DataSource } from 'typeorm';

/** Web Crypto key pair as Fedify hands them over (no DOM lib here). */
export type KeyPair = Awaited<ReturnType<typeof generateCryptoKeyPair>>;
type Jwk = Awaited<ReturnType<typeof exportJwk>>;

interface KeyRow {
  rsa_public_jwk: Jwk;
  rsa_private_jwk: Jwk;
  ed25519_public_jwk: Jwk;
  ed25519_private_jwk: Jwk;
}

/** Cached imported key pairs per actor; keys never change, so the cache never goes stale. */
const CACHE_LIMIT = 10_000;

async function generateRow(): Promise<KeyRow> {
  const [rsa, ed25519] = await Promise.all([
    generateCryptoKeyPair('RSASSA-PKCS1-v1_5'),
    generateCryptoKeyPair('Ed25519'),
  ]);
  return {
    rsa_public_jwk: await exportJwk(rsa.publicKey),
    rsa_private_jwk: await exportJwk(rsa.privateKey),
    ed25519_public_jwk: await exportJwk(ed25519.publicKey),
    ed25519_private_jwk: await exportJwk(ed25519.privateKey),
  };
}

async function importRow(row: KeyRow): Promise<KeyPair[]> {
  return [
    {
      publicKey: await importJwk(row.rsa_public_jwk, 'public'),
      privateKey: await importJwk(row.rsa_private_jwk, 'private'),
    },
    {
      publicKey: await importJwk(row.ed25519_public_jwk, 'public'),
      privateKey: await importJwk(row.ed25519_private_jwk, 'private'),
    },
  ];
}

const COLUMNS = 'rsa_public_jwk, rsa_private_jwk, ed25519_public_jwk, ed25519_private_jwk';

/**
 * Actor key pairs in PostgreSQL: `[RSA, Ed25519]` (RSA first: Mastodon verifies with the first
 * `publicKey` only). Generated on first use and never regenerated; concurrent first uses (several
 * pods) race with `ON CONFLICT DO NOTHING` and all read back the one row that won.
 * Private keys stay in the database and this process.
 */
export class ActorKeyStore {
  private readonly cache = new Map<string, Promise<KeyPair[]>>();

  constructor(private readonly db: DataSource) {}

  /** Key pairs of a local account (by id). */
  forAccount(accountId: string): Promise<KeyPair[]> {
    return this.cached(`account:${accountId}`, () =>
      this.loadOrCreate(
        `SELECT ${COLUMNS} FROM actor_keys WHERE account_id = $1`,
        `INSERT INTO actor_keys (account_id, ${COLUMNS}) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [accountId],
      ),
    );
  }

  /** Key pairs of the instance actor (`/actor`). */
  forInstance(): Promise<KeyPair[]> {
    return this.cached('instance', () =>
      this.loadOrCreate(
        `SELECT ${COLUMNS} FROM instance_actor_keys WHERE id`,
        `INSERT INTO instance_actor_keys (${COLUMNS}) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [],
      ),
    );
  }

  private cached(key: string, load: () => Promise<KeyPair[]>): Promise<KeyPair[]> {
    let entry = this.cache.get(key);
    if (!entry) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      entry = load();
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  private async loadOrCreate(select: string, insert: string, params: string[]): Promise<KeyPair[]> {
    const [existing] = (await this.db.query(select, params)) as KeyRow[];
    if (existing) return importRow(existing);
    const row = await generateRow();
    await this.db.query(insert, [
      ...params,
      JSON.stringify(row.rsa_public_jwk),
      JSON.stringify(row.rsa_private_jwk),
      JSON.stringify(row.ed25519_public_jwk),
      JSON.stringify(row.ed25519_private_jwk),
    ]);
    // Whoever won the race, everyone uses the stored row.
    const [stored] = (await this.db.query(select, params)) as KeyRow[];
    if (!stored) throw new Error('actor keys vanished right after being stored');
    return importRow(stored);
  }
}
