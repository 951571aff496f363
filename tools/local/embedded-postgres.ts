/**
 * Embedded PostgreSQL for `npm start` on machines without a PostgreSQL server: PGlite (PostgreSQL
 * 18 compiled to WASM) served over the wire protocol by pglite-socket, data kept on disk.
 * PGlite runs one query at a time; the socket server multiplexes up to `maxConnections` clients
 * and serialises transactions, which is plenty for one developer (TOOLCHAIN.md).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export const EMBEDDED_MAX_CONNECTIONS = 8;

/** Opens (or creates) the database in `dataDir` and serves it on 127.0.0.1:`port`. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  maxConnections?: number;
}): Promise<EmbeddedPostgres> {
  mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port,
    maxConnections: options.maxConnections ?? EMBEDDED_MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
