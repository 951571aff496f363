/**
 * preparedQuery against a real PostgreSQL: the statement is prepared on the connection once and
 * reused (pg_prepared_statements), answers like DataSource.query, and its errors are pg's.
 */
import { isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from './data-source';
import { isDatabaseUnavailable } from './database-errors';
import { preparedQuery } from './prepared-query';

describe('preparedQuery', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('prepared-query');
    // One connection, so every call lands on the connection the statement was prepared on.
    db = createDataSource({
      url: infra.database.url,
      applicationName: 'prepared-query-test',
      poolSize: 1,
      queryTimeoutMs: 500,
    });
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await infra?.release();
  });

  const text = `SELECT n, n * $1::int AS times FROM generate_series(1, $2::int) AS n ORDER BY n`;

  it('answers as DataSource.query does, with the values bound', async () => {
    const rows = await preparedQuery<{ n: number; times: number }>(db, text, [3, 2]);
    expect(rows).toEqual(await db.query(text, [3, 2]));
    expect(rows).toEqual([
      { n: 1, times: 3 },
      { n: 2, times: 6 },
    ]);
  });

  it('prepares the text once per connection and reuses it', async () => {
    await preparedQuery(db, text, [1, 1]);
    await preparedQuery(db, text, [5, 4]);
    const prepared: { name: string; calls: number }[] = await preparedQuery(
      db,
      `SELECT name, generic_plans + custom_plans AS calls FROM pg_prepared_statements
        WHERE statement = $1`,
      [text],
    );
    expect(prepared).toHaveLength(1);
    expect(prepared[0]?.name).toMatch(/^ff_[0-9a-f]{20}$/);
    // The first test's call and these two, all on the one statement.
    expect(Number(prepared[0]?.calls)).toBe(3);
  });

  it("rejects with pg's error, which the 503 mapping reads", async () => {
    const slow = preparedQuery(db, `SELECT pg_sleep($1::float)`, [2]);
    const error: unknown = await slow.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
    // A bug is not an outage.
    const bad: unknown = await preparedQuery(db, `SELECT no_such_column FROM pg_class`, []).catch(
      (caught: unknown) => caught,
    );
    expect(isDatabaseUnavailable(bad)).toBe(false);
  });
});
