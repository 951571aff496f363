import { registerApp, registerMember } from '@fediflow/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMigratedApi, type ApiOnIsolatedInfrastructure } from './built-services';

/** What one POST came back with: an HTTP status, or no answer at all (connection refused/reset). */
type Outcome = { text: string; status: number; id?: string } | { text: string; error: string };

/**
 * A rolling update's SIGTERM while members are posting: the api stops taking connections, answers
 * what it has accepted, and exits 0. Every post it acknowledged is stored, none twice, and no
 * client sees a 500 — only answers, 503s or a refused connection (which a client retries).
 */
describe('api SIGTERM under write load', () => {
  let server: ApiOnIsolatedInfrastructure;
  let db: Client;

  beforeAll(async () => {
    server = await startMigratedApi('e2e-sigterm-load', {
      PUBLIC_ORIGIN: 'https://sigterm.test',
      RATE_LIMIT_ENABLED: 'false',
    });
    db = new Client({ connectionString: server.infra.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await server?.api.process.stop('SIGKILL');
    await server?.infra.release();
  });

  it('drains: acknowledged posts stored once each, no 500, exit code 0', async () => {
    const { api } = server;
    const alice = await registerMember(api.base, await registerApp(api.base), 'alice');
    const outcomes: Outcome[] = [];
    let exited = false;
    let sequence = 0;

    async function writer(): Promise<void> {
      while (!exited) {
        const text = `under load ${sequence++}`;
        try {
          const answer = await alice.client.post<{ id: string }>('/api/v1/statuses', {
            status: text,
          });
          outcomes.push({ text, status: answer.status, id: answer.body.id });
        } catch (error) {
          outcomes.push({ text, error: String(error) });
          await sleep(20);
        }
      }
    }

    const writers = Array.from({ length: 8 }, () => writer());
    // Load first: the signal must land while requests are in flight.
    while (outcomes.filter((o) => 'status' in o && o.status === 200).length < 20) await sleep(20);
    const exit = await api.process.stop('SIGTERM');
    exited = true;
    await Promise.all(writers);

    expect(exit, api.process.describe()).toEqual({ code: 0, signal: null });
    const answered = outcomes.filter(
      (o): o is Extract<Outcome, { status: number }> => 'status' in o,
    );
    expect(answered.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    const acknowledged = answered.filter((o) => o.status === 200);
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);

    const { rows } = await db.query<{ id: string; text: string }>(
      `SELECT id::text AS id, text FROM statuses WHERE text LIKE 'under load %'`,
    );
    const stored = new Map(rows.map((row) => [row.id, row.text]));
    for (const post of acknowledged) expect(stored.get(post.id!)).toBe(post.text);
    // Nothing twice: one row per text; rows beyond the acknowledged ones only for posts whose
    // answer was lost with the connection.
    expect(new Set(rows.map((row) => row.text)).size).toBe(rows.length);
    const unanswered = outcomes.length - answered.length;
    console.log(
      `[e2e] SIGTERM under load: ${acknowledged.length} acknowledged, ` +
        `${answered.length - acknowledged.length} answered 503, ${unanswered} without an answer, ` +
        `${rows.length} stored`,
    );
    expect(rows.length - acknowledged.length).toBeLessThanOrEqual(unanswered);
  });
});
