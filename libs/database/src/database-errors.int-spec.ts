/**
 * The errors a lost PostgreSQL connection really produces, wherever in a transaction it is lost,
 * made by a TCP proxy between a DataSource and the test server: each must read as "database
 * unavailable" (503), never as a bug (500).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isolatedInfrastructure,
  proxyInFront,
  type IsolatedInfrastructure,
  type TcpProxy,
} from '@fediflow/testing';
import {
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
  type DataSource,
  type EntityManager,
} from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from './data-source';
import { isDatabaseUnavailable } from './database-errors';

/** Long enough for the pg client to see its socket reset. */
const NOTICE_MS = 200;

describe('isDatabaseUnavailable for connections lost against a real PostgreSQL', () => {
  let infra: IsolatedInfrastructure;
  let proxy: TcpProxy;
  let db: DataSource;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('database-errors');
  });
  afterAll(async () => {
    await infra?.release();
  });
  beforeEach(async () => {
    let url: string;
    ({ proxy, url } = await proxyInFront(infra.database.url));
    db = createDataSource({
      url,
      applicationName: 'database-errors-test',
      queryTimeoutMs: 500,
      connectTimeoutMs: 500,
    });
    await db.initialize();
  });
  afterEach(async () => {
    await db?.destroy().catch(() => undefined);
    await proxy?.close();
  });

  const failure = (work: Promise<unknown>) =>
    work.then(
      () => expect.fail('expected the database call to fail'),
      (error: unknown) => error,
    );

  it('the connection reset between the last statement and COMMIT (the failover drill’s 500)', async () => {
    const error = await failure(
      db.transaction(async (manager) => {
        await manager.query('SELECT 1');
        proxy.reset();
        await sleep(NOTICE_MS);
      }),
    );
    expect(error).toBeInstanceOf(QueryRunnerAlreadyReleasedError);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    {
      via: 'EntityManager.query',
      next: (manager: EntityManager) => manager.query('SELECT 2'),
      thrown: QueryRunnerProviderAlreadyReleasedError,
    },
    {
      via: 'a query builder',
      next: (manager: EntityManager) =>
        manager.createQueryBuilder().select('2').from('pg_database', 'd').getRawOne(),
      thrown: QueryRunnerAlreadyReleasedError,
    },
  ])(
    'the connection reset between two statements of a transaction ($via)',
    async ({ next, thrown }) => {
      const error = await failure(
        db.transaction(async (manager) => {
          await manager.query('SELECT 1');
          proxy.reset();
          await sleep(NOTICE_MS);
          await next(manager);
        }),
      );
      expect(error).toBeInstanceOf(thrown);
      expect(isDatabaseUnavailable(error)).toBe(true);
    },
  );

  it('the connection reset while a statement runs, in and out of a transaction', async () => {
    const inFlight = (run: () => Promise<unknown>) => {
      const work = failure(run());
      setTimeout(() => proxy.reset(), 100);
      return work;
    };
    const inTransaction = await inFlight(() =>
      db.transaction((manager) => manager.query('SELECT pg_sleep(0.4)')),
    );
    expect(isDatabaseUnavailable(inTransaction), String(inTransaction)).toBe(true);
    const alone = await inFlight(() => db.query('SELECT pg_sleep(0.4)'));
    expect(isDatabaseUnavailable(alone), String(alone)).toBe(true);
  });

  it('a server that refuses new connections, and one that stopped answering', async () => {
    proxy.cut();
    const refused = await failure(db.transaction((manager) => manager.query('SELECT 1')));
    expect(isDatabaseUnavailable(refused), String(refused)).toBe(true);
    proxy.blackhole();
    const silent = await failure(db.query('SELECT 1'));
    expect(isDatabaseUnavailable(silent), String(silent)).toBe(true);
  });

  it('still tells a bug from an outage on the same connections', async () => {
    const error = await failure(db.query('SELECT * FROM no_such_table'));
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
