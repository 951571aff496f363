import {
  createFederation,
  type Context,
  type Federation,
  type KvStore,
  type MessageQueue,
} from '@fedify/fedify';
import { Note, type Activity } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import type { ActorKeyStore } from './actor-keys';
import type { DeliveryGate } from './delivery/delivery-gate';
import type { DomainBlocks } from './domain-blocks';
import { registerInboxListeners, type InboxHandlerOptions, type InboxLogger } from './inbox';
import { instanceKeyPair } from './instance-actor';
import {
  findLocalAccount,
  findPublicStatus,
  STATUS_SELECT,
  type LocalStatusRow,
} from './local-actors';
import { toPerson } from './local-person';
import { createActivity, toNote } from './outbox/note-activities';
import { loadOutboundNote, loadOutboundNotes } from './outbox/outbound-notes';
import { followGraph, graphRecipient, type FollowSide } from './outbox/recipients';

/** Fedify carries no per-request data here: every handler reads PostgreSQL itself. */
export type FediflowFederation = Federation<void>;

export const ACTOR_PATH = '/users/{identifier}';
export const STATUS_PATH = '/users/{identifier}/statuses/{id}';
export const PAGE_SIZE = 40;

export interface FediflowFederationOptions {
  /** The canonical origin (`PUBLIC_ORIGIN`): every URI Fedify builds starts with it. */
  origin: string;
  db: DataSource;
  keys: ActorKeyStore;
  kv: KvStore;
  queue: MessageQueue;
  /** Inbound activities go here instead of `queue` (SQS for the Lambda); deliveries stay on `queue`. */
  inboxQueue?: MessageQueue;
  /** Tests only: fetch from and deliver to loopback/private addresses. */
  allowPrivateAddress: boolean;
  /** `version` of NodeInfo's software. */
  softwareVersion?: string;
  /** NodeInfo's `openRegistrations` (`REGISTRATIONS_OPEN`). */
  openRegistrations?: boolean;
  /** Inbound activities from (and fetches to) these domains are dropped on the workers. */
  domainBlocks?: DomainBlocks;
  /** Reports each handled inbound activity's type and outcome (see `InboxHandlerOptions`). */
  onInboxProcessed?: InboxHandlerOptions['onProcessed'];
  /** Told what inbound activities changed (statuses, follows), after each commit. */
  socialEvents?: InboxHandlerOptions['socialEvents'];
  logger?: InboxLogger;
  /** Domain blocks, circuit breaker, failure records and outcomes around deliveries (workers). */
  delivery?: DeliveryGate;
}

/**
 * The one Federation definition both the web nodes (which answer requests and only enqueue) and
 * the workers (which run the queue: inbox handlers and deliveries) use.
 */
export function createFediflowFederation(options: FediflowFederationOptions): FediflowFederation {
  const { db, keys } = options;
  const delivery = options.delivery?.federationOptions(options.queue);
  const queue = delivery?.queue ?? options.queue;
  const federation = createFederation<void>({
    kv: options.kv,
    manuallyStartQueue: true,
    origin: options.origin,
    allowPrivateAddress: options.allowPrivateAddress,
    firstKnock: 'draft-cavage-http-signatures-12',
    userAgent: { software: `FediFlow/${options.softwareVersion ?? '0.0.0'}` },
    ...delivery,
    queue: options.inboxQueue ? { inbox: options.inboxQueue, outbox: queue, fanout: queue } : queue,
  });

  const graphPage = (accountId: string, side: FollowSide, cursor: string) =>
    followGraph(db, accountId, side, {
      before: cursor === FIRST_CURSOR ? null : cursor,
      limit: PAGE_SIZE + 1,
    });

  // Unknown owners get no first page, so Fedify asks the dispatcher, which answers 404.
  const firstCursor = async (_ctx: Context<void>, identifier: string) =>
    (await findExact(db, identifier)) ? FIRST_CURSOR : null;

  federation
    .setActorDispatcher(ACTOR_PATH, async (ctx, identifier) => {
      const account = await findLocalAccount(db, identifier);
      // Identifiers are exact: `/users/Alice` is not alice's URI.
      if (!account || account.username !== identifier) return null;
      return toPerson(ctx, account, await ctx.getActorKeyPairs(identifier));
    })
    .mapHandle(async (_ctx, username) => (await findLocalAccount(db, username))?.username ?? null)
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      const account = await findLocalAccount(db, identifier);
      if (!account || account.username !== identifier) return [];
      return keys.forAccount(account.id);
    });

  federation
    .setFollowersDispatcher('/users/{identifier}/followers', async (ctx, identifier, cursor) => {
      const account = await findExact(db, identifier);
      if (!account || !validCursor(cursor)) return null;
      const rows = await graphPage(account.id, 'followers', cursor);
      return page(rows, (row) => graphRecipient(ctx, row));
    })
    .setCounter(async (_ctx, identifier) => {
      const account = await findExact(db, identifier);
      return account ? count(db, `follows WHERE target_account_id = $1`, account.id) : null;
    })
    .setFirstCursor(firstCursor);

  federation
    .setFollowingDispatcher('/users/{identifier}/following', async (ctx, identifier, cursor) => {
      const account = await findExact(db, identifier);
      if (!account || !validCursor(cursor)) return null;
      const rows = await graphPage(account.id, 'following', cursor);
      return page(rows, (row) => graphRecipient(ctx, row).id!);
    })
    .setCounter(async (_ctx, identifier) => {
      const account = await findExact(db, identifier);
      return account ? count(db, `follows WHERE account_id = $1`, account.id) : null;
    })
    .setFirstCursor(firstCursor);

  federation
    .setOutboxDispatcher('/users/{identifier}/outbox', async (ctx, identifier, cursor) => {
      const account = await findExact(db, identifier);
      if (!account || !validCursor(cursor)) return null;
      const rows = (await db.query(
        `${STATUS_SELECT}
          WHERE s.account_id = $1 AND s.local AND s.visibility IN ('public', 'unlisted')
            AND s.reblog_of_id IS NULL AND ($2::bigint IS NULL OR s.id < $2::bigint)
          ORDER BY s.id DESC LIMIT ${PAGE_SIZE + 1}`,
        [account.id, cursor === FIRST_CURSOR ? null : cursor],
      )) as LocalStatusRow[];
      const notes = await loadOutboundNotes(db, ctx, rows);
      return page(rows, (_row, index): Activity => createActivity(ctx, notes[index]!));
    })
    .setCounter(async (_ctx, identifier) => {
      const account = await findExact(db, identifier);
      return account
        ? count(
            db,
            `statuses WHERE account_id = $1 AND local AND visibility IN ('public', 'unlisted')
               AND reblog_of_id IS NULL`,
            account.id,
          )
        : null;
    })
    .setFirstCursor(firstCursor);

  federation.setObjectDispatcher(Note, STATUS_PATH, async (ctx, values) => {
    const status = await findPublicStatus(db, values.identifier, values.id);
    if (!status || status.username !== values.identifier) return null;
    return toNote(ctx, await loadOutboundNote(db, ctx, status));
  });

  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async () => {
    const [usage] = (await db.query(
      `SELECT
         (SELECT count(*)::int FROM accounts a JOIN users u ON u.account_id = a.id
           WHERE a.domain IS NULL) AS total,
         (SELECT count(*)::int FROM accounts a JOIN users u ON u.account_id = a.id
           WHERE a.domain IS NULL AND a.last_status_at > now() - interval '30 days') AS month,
         (SELECT count(*)::int FROM accounts a JOIN users u ON u.account_id = a.id
           WHERE a.domain IS NULL AND a.last_status_at > now() - interval '180 days') AS halfyear,
         (SELECT count(*)::int FROM statuses WHERE local) AS posts`,
    )) as { total: number; month: number; halfyear: number; posts: number }[];
    return {
      software: { name: 'fediflow', version: options.softwareVersion ?? '0.0.0' },
      protocols: ['activitypub'],
      openRegistrations: options.openRegistrations ?? false,
      usage: {
        users: {
          total: usage?.total ?? 0,
          activeMonth: usage?.month ?? 0,
          activeHalfyear: usage?.halfyear ?? 0,
        },
        localPosts: usage?.posts ?? 0,
        localComments: 0,
      },
    };
  });

  registerInboxListeners(federation, {
    db,
    sharedKey: () => instanceKeyPair(options.origin, keys),
    domainBlocks: options.domainBlocks,
    onProcessed: options.onInboxProcessed,
    socialEvents: options.socialEvents,
    logger: options.logger,
  });

  return federation;
}

/** Collections are paged from this cursor; pages are keyset cursors (the last id shown). */
const FIRST_CURSOR = 'start';

function validCursor(cursor: string | null): cursor is string {
  return cursor === FIRST_CURSOR || (cursor !== null && /^\d{1,19}$/.test(cursor));
}

async function findExact(db: DataSource, identifier: string) {
  const account = await findLocalAccount(db, identifier);
  return account && account.username === identifier ? account : undefined;
}

async function count(db: DataSource, fromWhere: string, id: string): Promise<number> {
  const [row] = (await db.query(`SELECT count(*)::int AS n FROM ${fromWhere}`, [id])) as {
    n: number;
  }[];
  return row?.n ?? 0;
}

/** Keyset pages, newest first; the cursor is the last row's id. */
function page<R extends { id: string }, T>(rows: R[], map: (row: R, index: number) => T) {
  const more = rows.length > PAGE_SIZE;
  const shown = more ? rows.slice(0, PAGE_SIZE) : rows;
  return { items: shown.map(map), nextCursor: more ? shown[shown.length - 1]!.id : null };
}
