import { loadConfig } from '@fediflow/config';
import { TEST_ORIGIN, waitFor } from '@fediflow/testing';
import {
  localMember,
  migratedDatabase,
  remoteActor,
  status,
  type LocalMember,
  type MigratedDatabase,
} from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { FederationRuntime } from '../federation-core.module';
import { RemoteServer } from '../remote-server.testing';

import { AS, remoteCreate, remoteNote, type BobNote } from './remote-activities.testing';

export { AS, PUBLIC, type BobNote } from './remote-activities.testing';

/** The stored row of a status by URI (what timelines thread and count from). */
export interface StatusRow {
  id: string;
  in_reply_to_id: string | null;
  in_reply_to_uri: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
}

/**
 * What the inbox handlers are tested against: the workers' federation runtime (queue running) on a
 * migrated database, local members alice and carol, and bob on a loopback remote server, known
 * here as an accepted remote lookup leaves him. alice follows bob unless `aliceFollowsBob` is
 * false. Deliveries go through the runtime's own inboxes (signature check, queue, handler), as
 * on a worker; no service runs.
 */
export interface InboxScene {
  db: DataSource;
  runtime: FederationRuntime;
  remote: RemoteServer;
  alice: LocalMember;
  carol: LocalMember;
  bobId: string;
  /** Delivers `activity` to `path` of this instance, signed by `from` unless `sign` is false. */
  deliver(
    path: string,
    activity: object,
    options?: { sign?: boolean; from?: RemoteServer },
  ): Promise<number>;
  /** Until the queue holds nothing ready, delayed or in flight. */
  drained(): Promise<void>;
  statusRow(uri: string): Promise<StatusRow | undefined>;
  /** A local post of `member`, and the URI remote servers know it by. */
  localStatus(member: LocalMember, text: string): Promise<{ id: string; uri: string }>;
  /** bob's Note number `n` (`extra` overrides fields). */
  note(n: number, extra?: Record<string, unknown>): BobNote;
  /** bob's Create of `object`. */
  create(object: BobNote): Record<string, unknown>;
  /** Serves `object` at its id on bob's server (as a fetchable document). */
  serve(object: { id: string }): void;
  follows(follower: string, followed: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function startInboxScene(
  label: string,
  options: { aliceFollowsBob?: boolean } = {},
): Promise<InboxScene> {
  const database: MigratedDatabase = await migratedDatabase(label);
  const { db, infra } = database;
  const remote = await RemoteServer.start();
  const runtime = new FederationRuntime(
    loadConfig('workers', { PUBLIC_ORIGIN: TEST_ORIGIN, LOG_LEVEL: 'silent', ...infra.env }),
    db,
  );
  const stop = new AbortController();
  const running = runtime.federation.startQueue(undefined, { signal: stop.signal });
  const alice = await localMember(db, { username: 'alice' });
  const carol = await localMember(db, { username: 'carol' });
  const bobId = await remoteActor(db, {
    username: 'bob',
    uri: remote.actorId,
    inbox: remote.inbox,
    sharedInbox: new URL('/inbox', remote.origin),
  });
  if (options.aliceFollowsBob ?? true) {
    await db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
      alice.accountId,
      bobId,
    ]);
  }
  return {
    db,
    runtime,
    remote,
    alice,
    carol,
    bobId,
    deliver: async (path, activity, { sign = true, from = remote } = {}) => {
      const response = await runtime.federation.fetch(
        await from.post(`${TEST_ORIGIN}${path}`, { '@context': AS, ...activity }, { sign }),
        { contextData: undefined },
      );
      return response.status;
    },
    drained: async () => {
      await waitFor('the queue to drain', async () => {
        const stats = await runtime.queue.stats();
        return stats.ready + stats.delayed + stats.inFlight === 0 ? stats : undefined;
      });
    },
    statusRow: async (uri) =>
      (
        (await db.query(
          `SELECT id::text AS id, in_reply_to_id::text AS in_reply_to_id, in_reply_to_uri,
                  replies_count, reblogs_count, favourites_count
             FROM statuses WHERE uri = $1`,
          [uri],
        )) as StatusRow[]
      )[0],
    localStatus: async (member, text) => {
      const id = await status(db, { accountId: member.accountId, text });
      return { id, uri: `${TEST_ORIGIN}/users/${member.username}/statuses/${id}` };
    },
    note: (n, extra) => remoteNote(remote, n, extra),
    create: (object) => remoteCreate(remote, object),
    serve: (object) => {
      remote.documents.set(new URL(object.id).pathname, { '@context': AS, ...object });
    },
    follows: async (follower, followed) =>
      (
        (await db.query(`SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`, [
          follower,
          followed,
        ])) as unknown[]
      ).length > 0,
    close: async () => {
      stop.abort();
      await running;
      await runtime.onApplicationShutdown();
      await remote.close();
      await database.release();
    },
  };
}
