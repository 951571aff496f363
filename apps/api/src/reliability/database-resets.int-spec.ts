/**
 * "Never a 500" while PostgreSQL connections die under write load: the way a failover or a
 * crashed primary kills them, at whatever point of a request's transaction they happen to be
 * (before it, mid-statement, between statements, at COMMIT). Every write must be acknowledged
 * (200) or refused as an outage (503); every acknowledged post must be stored.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { registerApp, registerMembers, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

const WRITERS = 6;
const WRITES_PER_WRITER = 120;
/** Connections are reset every 50–250 ms: transactions in flight meet one anywhere. */
const RESET_EVERY_MS = [50, 250] as const;

describe('the API while its PostgreSQL connections are reset at random points of its writes', () => {
  let api: ApiHarness;
  let members: readonly Member[];

  beforeAll(async () => {
    api = await startApi('database-resets', {}, { databaseProxy: true });
    const app = await registerApp(api.base);
    members = await registerMembers(api.base, app, ['ana', 'ben', 'cai']);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers every write 200 or 503, never 500, and stores every post it acknowledged', async () => {
    const outcomes = new Map<number, number>();
    const acknowledged: string[] = [];
    const unexpected: string[] = [];
    let writing = true;
    let resets = 0;

    const chaos = (async () => {
      while (writing) {
        const [min, max] = RESET_EVERY_MS;
        await sleep(min + Math.random() * (max - min));
        api.proxy!.reset();
        resets++;
      }
    })();

    const writer = async (n: number) => {
      for (let i = 0; i < WRITES_PER_WRITER; i++) {
        const member = members[(n + i) % members.length]!;
        const target = acknowledged[Math.floor(Math.random() * acknowledged.length)];
        // Posts (status, tags, counters and outbox in one transaction) and favourites.
        const { status, body } =
          i % 3 === 2 && target
            ? await member.client.post(`/api/v1/statuses/${target}/favourite`)
            : await member.client.post<{ id?: string }>('/api/v1/statuses', {
                status: `post ${n}.${i} #resets`,
                visibility: 'public',
              });
        outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
        const id = (body as { id?: unknown }).id;
        if (status === 200 && i % 3 !== 2 && typeof id === 'string') acknowledged.push(id);
        if (status !== 200 && status !== 503) unexpected.push(`${status} ${JSON.stringify(body)}`);
        // A refused write comes back at once; do not spin on it.
        if (status === 503) await sleep(20);
      }
    };

    try {
      await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
    } finally {
      writing = false;
      await chaos;
    }

    const summary = JSON.stringify(Object.fromEntries(outcomes));
    expect(unexpected, `outcomes ${summary} after ${resets} resets`).toEqual([]);
    // The faults were real and the API still did its work between them.
    expect(resets).toBeGreaterThan(20);
    expect(outcomes.get(200) ?? 0, summary).toBeGreaterThan(WRITERS * 10);
    const stored = (await api.db.query(`SELECT id::text AS id FROM statuses WHERE id = ANY($1)`, [
      acknowledged,
    ])) as { id: string }[];
    expect(stored.length).toBe(new Set(acknowledged).size);
  }, 60_000);
});
